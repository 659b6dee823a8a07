import COpenSSL

/// An ECDSA P-256 private key made in this process, to sign or be named in certificates.
///
/// Freed when the last reference goes. After creation it is only read (signing, encoding),
/// which OpenSSL 3 allows from several threads at once; hence `Sendable`.
package final class PrivateKey: @unchecked Sendable {
    /// The `EVP_PKEY *`; owned by this object.
    let pointer: OpaquePointer

    private init(_ pointer: OpaquePointer) {
        self.pointer = pointer
    }

    deinit {
        EVP_PKEY_free(self.pointer)
    }

    /// A fresh ECDSA P-256 key.
    ///
    /// - Throws: ``TLSError/Code/issuanceFailed`` when OpenSSL cannot make one.
    package static func generateP256() throws(TLSError) -> PrivateKey {
        PrivateKey(try OpenSSLCall.make("EVP_EC_gen(P-256)") { COpenSSL_EVP_EC_gen("P-256") })
    }

    /// The key as PKCS#8 PEM; with a passphrase, encrypted with AES-256-CBC.
    ///
    /// - Throws: ``TLSError/Code/issuanceFailed`` when OpenSSL cannot encode it.
    package func pem(encryptedWith passphrase: String? = nil) throws(TLSError) -> [UInt8] {
        try MemoryBIO.collect("PEM_write_bio_PrivateKey") { bio in
            guard let passphrase else {
                return PEM_write_bio_PrivateKey(bio, self.pointer, nil, nil, 0, nil, nil)
            }
            let secret = Array(passphrase.utf8)
            return PEM_write_bio_PrivateKey(bio, self.pointer, EVP_aes_256_cbc(), secret, Int32(secret.count), nil, nil)
        }
    }

    /// The public half as DER SubjectPublicKeyInfo: what a public-key pin is computed over.
    ///
    /// - Throws: ``TLSError/Code/issuanceFailed`` when OpenSSL cannot encode it.
    package func publicKeyDER() throws(TLSError) -> [UInt8] {
        try encodeDER(orThrow: .issuanceFailed, "OpenSSL: i2d_PUBKEY failed") { i2d_PUBKEY(self.pointer, $0) }
    }
}
