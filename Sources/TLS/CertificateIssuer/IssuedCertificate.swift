import COpenSSL

/// A certificate a ``CertificateAuthority`` signed, in the encodings callers write or hash.
///
/// A plain value: the OpenSSL object it was encoded from is already freed.
package struct IssuedCertificate: Sendable {
    /// The serial number, unique within the issuing authority.
    package let serial: Int
    /// The DER encoding.
    package let der: [UInt8]
    /// The PEM encoding (`-----BEGIN CERTIFICATE-----`), as written to a certificate file.
    package let pem: [UInt8]

    /// SHA-256 over ``der``: what an allowlist binds a nick to (`sha256:HEX`).
    package var fingerprint: Fingerprint {
        Fingerprint(kind: .certificate, digest: sha256(self.der))
    }

    /// Encodes `certificate` (an `X509 *` the caller keeps owning).
    ///
    /// - Throws: ``TLSError/Code/issuanceFailed`` when OpenSSL cannot encode it.
    init(_ certificate: OpaquePointer, serial: Int) throws(TLSError) {
        self.serial = serial
        self.der = try encodeDER(orThrow: .issuanceFailed, "OpenSSL: i2d_X509 failed") { i2d_X509(certificate, $0) }
        self.pem = try MemoryBIO.collect("PEM_write_bio_X509") { PEM_write_bio_X509($0, certificate) }
    }
}
