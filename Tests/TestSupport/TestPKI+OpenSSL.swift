import COpenSSL

/// An `EVP_PKEY` this process owns; freed when the last reference goes.
///
/// Only read after creation (signing, encoding), which OpenSSL 3 allows from any thread.
final class OwnedKey: @unchecked Sendable {
    let pointer: OpaquePointer

    private init(_ pointer: OpaquePointer) {
        self.pointer = pointer
    }

    deinit {
        EVP_PKEY_free(pointer)
    }

    /// A fresh ECDSA P-256 key.
    static func generateP256() throws -> OwnedKey {
        OwnedKey(try OpenSSLCall.make("EVP_EC_gen(P-256)") { COpenSSL_EVP_EC_gen("P-256") })
    }

    /// Reads back a key written by `pem(encryptedWith:)` without a passphrase.
    convenience init(pem: [UInt8]) throws {
        let pointer = try pem.withUnsafeBytes { bytes in
            let bio = try OpenSSLCall.make("BIO_new_mem_buf") {
                BIO_new_mem_buf(bytes.baseAddress, Int32(bytes.count))
            }
            defer { BIO_free(bio) }
            // A nil callback with a nil passphrase would prompt on the terminal if the key
            // were encrypted; ours never is, so this fails instead of hanging.
            return try OpenSSLCall.make("PEM_read_bio_PrivateKey") {
                PEM_read_bio_PrivateKey(bio, nil, nil, nil)
            }
        }
        self.init(pointer)
    }

    /// PKCS#8 PEM; with a passphrase, encrypted with AES-256-CBC.
    func pem(encryptedWith passphrase: String? = nil) throws -> [UInt8] {
        try MemoryBIO.collect("PEM_write_bio_PrivateKey") { bio in
            guard let passphrase else {
                return PEM_write_bio_PrivateKey(bio, pointer, nil, nil, 0, nil, nil)
            }
            let secret = Array(passphrase.utf8)
            return PEM_write_bio_PrivateKey(bio, pointer, EVP_aes_256_cbc(), secret, Int32(secret.count), nil, nil)
        }
    }

    /// SubjectPublicKeyInfo DER.
    func publicKeyDER() throws -> [UInt8] {
        try DER.encode("i2d_PUBKEY") { i2d_PUBKEY(pointer, $0) }
    }
}

/// An `X509` this process owns; freed when the last reference goes.
final class OwnedCertificate: @unchecked Sendable {
    let pointer: OpaquePointer

    init(_ pointer: OpaquePointer) {
        self.pointer = pointer
    }

    deinit {
        X509_free(pointer)
    }

    func pem() throws -> [UInt8] {
        try MemoryBIO.collect("PEM_write_bio_X509") { PEM_write_bio_X509($0, pointer) }
    }

    func der() throws -> [UInt8] {
        try DER.encode("i2d_X509") { i2d_X509(pointer, $0) }
    }
}

/// Collects what an OpenSSL `PEM_write_bio_*` call writes into a memory BIO.
enum MemoryBIO {
    static func collect(
        _ what: String, file: String = #fileID, line: Int = #line, _ write: (OpaquePointer) -> Int32
    ) throws -> [UInt8] {
        let bio = try OpenSSLCall.make("BIO_new(BIO_s_mem)", file: file, line: line) { BIO_new(BIO_s_mem()) }
        defer { BIO_free(bio) }
        try OpenSSLCall.check(what, file: file, line: line) { write(bio) }
        var memory: UnsafeMutablePointer<BUF_MEM>?
        try OpenSSLCall.check("BIO_get_mem_ptr", file: file, line: line) {
            Int32(COpenSSL_BIO_get_mem_ptr(bio, &memory))
        }
        guard let memory, let data = memory.pointee.data else { return [] }
        return data.withMemoryRebound(to: UInt8.self, capacity: memory.pointee.length) {
            Array(UnsafeBufferPointer(start: $0, count: memory.pointee.length))
        }
    }
}

/// Runs an OpenSSL `i2d_*` function that allocates its output, and copies the bytes out.
enum DER {
    static func encode(
        _ what: String, file: String = #fileID, line: Int = #line,
        _ i2d: (UnsafeMutablePointer<UnsafeMutablePointer<UInt8>?>) -> Int32
    ) throws -> [UInt8] {
        var output: UnsafeMutablePointer<UInt8>?
        var length: Int32 = 0
        try OpenSSLCall.check(what, file: file, line: line) {
            length = i2d(&output)
            return length
        }
        guard let output else {
            throw TestPKIError(.openSSL, "\(what) returned no bytes", file: file, line: line)
        }
        defer { COpenSSL_OPENSSL_free(output) }
        return Array(UnsafeBufferPointer(start: output, count: Int(length)))
    }
}
