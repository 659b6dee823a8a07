import COpenSSL
import Foundation

/// What SecureChat needs to know about one certificate: its fingerprints, name and expiry.
public struct CertificateInfo: Hashable, Sendable {
    /// SHA-256 over the certificate's DER encoding.
    public let fingerprint: Fingerprint
    /// SHA-256 over the certificate's DER SubjectPublicKeyInfo.
    public let publicKeyFingerprint: Fingerprint
    /// The subject's common name, if it has one.
    public let commonName: String?
    /// The end of the certificate's validity period.
    public let notAfter: Date

    /// Reads the first certificate of a PEM file.
    ///
    /// - Throws: ``TLSError`` with code `.fileUnreadable` or `.invalidPEM`, naming the path.
    public init(contentsOf path: String) throws(TLSError) {
        let pem = try PEMFile(path: path, expecting: .certificate)
        let certificates = try pem.certificates()
        defer { certificates.forEach { X509_free($0) } }
        self = try CertificateInfo(certificates[0])
    }

    /// Reads the facts from an `X509 *`; the caller keeps ownership.
    init(_ certificate: OpaquePointer) throws(TLSError) {
        let der = try encodeDER(orThrow: .invalidPEM, "cannot encode certificate") { i2d_X509(certificate, $0) }
        guard let publicKey = X509_get_X509_PUBKEY(certificate) else {
            throw TLSError(.invalidPEM, "certificate has no public key", openSSLErrors: OpenSSLErrorQueue.drain())
        }
        let spki = try encodeDER(orThrow: .invalidPEM, "cannot encode certificate") { i2d_X509_PUBKEY(publicKey, $0) }
        self.fingerprint = Fingerprint(kind: .certificate, digest: sha256(der))
        self.publicKeyFingerprint = Fingerprint(kind: .publicKey, digest: sha256(spki))
        self.commonName = Self.commonName(of: certificate)
        self.notAfter = Self.date(X509_get0_notAfter(certificate)) ?? .distantPast
    }

    /// Days from `now` until the certificate expires; negative once it has expired.
    public func daysUntilExpiry(from now: Date = Date()) -> Int {
        Int((self.notAfter.timeIntervalSince(now) / 86_400).rounded(.down))
    }

    private static func commonName(of certificate: OpaquePointer) -> String? {
        guard let subject = X509_get_subject_name(certificate) else { return nil }
        let index = X509_NAME_get_index_by_NID(subject, NID_commonName, -1)
        guard index >= 0,
            let entry = X509_NAME_get_entry(subject, index),
            let data = X509_NAME_ENTRY_get_data(entry)
        else { return nil }
        var utf8: UnsafeMutablePointer<UInt8>?
        let length = ASN1_STRING_to_UTF8(&utf8, data)
        guard length >= 0, let utf8 else { return nil }
        defer { COpenSSL_OPENSSL_free(utf8) }
        return String(decoding: UnsafeBufferPointer(start: utf8, count: Int(length)), as: UTF8.self)
    }

    static func date(_ time: UnsafePointer<ASN1_TIME>?) -> Date? {
        guard let time else { return nil }
        var parts = tm()
        guard ASN1_TIME_to_tm(time, &parts) == 1 else { return nil }
        return Date(timeIntervalSince1970: TimeInterval(timegm(&parts)))
    }
}

/// SHA-256 of `bytes`.
func sha256(_ bytes: [UInt8]) -> [UInt8] {
    var digest = [UInt8](repeating: 0, count: 32)
    var length: UInt32 = 0
    bytes.withUnsafeBytes { input in
        _ = EVP_Digest(input.baseAddress, input.count, &digest, &length, EVP_sha256(), nil)
    }
    return digest
}
