import Foundation
import TLS

/// A certificate authority made in memory; signs leaf certificates and CRLs.
///
/// Its certificate and key are written to `<directory>/<slug>-ca.pem` and `-ca.key`
/// (slug: the common name in lower case, dashes between words). Leaves and CRLs go to the
/// same folder. Safe to use from several tasks at once: the TLS module's
/// `CertificateAuthority` underneath serialises signing.
public final class TestCertificateAuthority: Sendable {
    public let commonName: String
    public let directory: URL
    public let certificatePath: URL
    public let keyPath: URL
    public let certificateDER: [UInt8]
    public let certificatePEM: [UInt8]

    private let authority: CertificateAuthority
    private let slug: String

    /// Makes a self-signed P-256 CA (O SecureChat Tests) valid from an hour ago for ten
    /// years, and writes its certificate (0644) and key (0600) into `directory`, creating
    /// it if needed.
    ///
    /// Throws `TLSError` if OpenSSL fails or either file already exists.
    public init(commonName: String = "SecureChat Test CA", directory: URL) throws {
        let authority = try CertificateAuthority(commonName: commonName, organization: "SecureChat Tests")
        self.commonName = commonName
        self.directory = directory
        self.slug = PKIFiles.slug(commonName)
        self.certificatePath = directory.appendingPathComponent("\(slug)-ca.pem")
        self.keyPath = directory.appendingPathComponent("\(slug)-ca.key")
        self.authority = authority
        self.certificateDER = authority.certificate.der
        self.certificatePEM = authority.certificate.pem

        try PKIFiles.createDirectory(directory)
        try PKIFiles.create(certificatePath, bytes: certificatePEM, permissions: 0o644)
        try PKIFiles.create(keyPath, bytes: try authority.key.pem(), permissions: 0o600)
    }

    /// Issues a P-256 leaf signed by this CA and writes `<cn-slug>-<serial>.pem` (0644) and
    /// `.key` (0600) into `directory`.
    ///
    /// - `validFrom`/`validUntil`: offsets in seconds from now (negative = past).
    /// - `serverAuth`/`clientAuth`: the extendedKeyUsage purposes. With both false the
    ///   certificate says `emailProtection` only, so neither TLS role should accept it.
    /// - `dnsNames`/`ipAddresses`: subjectAltName entries; none means no SAN extension.
    /// - `reuseKeyOf`: sign that identity's key again instead of making a new one.
    ///
    /// Serials are unique within this CA. Throws `TLSError` (`issuanceFailed` with
    /// OpenSSL's errors for a name OpenSSL cannot parse) or the file system's error.
    public func issue(
        commonName: String, dnsNames: [String] = [], ipAddresses: [String] = [],
        serverAuth: Bool = false, clientAuth: Bool = true,
        validFrom: Int = -3600, validUntil: Int = 86_400 * 30, reuseKeyOf: TestIdentity? = nil
    ) throws -> TestIdentity {
        let key = try reuseKeyOf?.key ?? PrivateKey.generateP256()
        var usage: ExtendedKeyUsage = []
        if serverAuth { usage.insert(.serverAuth) }
        if clientAuth { usage.insert(.clientAuth) }
        let leaf = try authority.issue(
            commonName: commonName, dnsNames: dnsNames, ipAddresses: ipAddresses, usage: usage,
            validFrom: validFrom, validUntil: validUntil, key: key)

        let name = "\(PKIFiles.slug(commonName))-\(leaf.serial)"
        let certificatePath = directory.appendingPathComponent("\(name).pem")
        let keyPath = directory.appendingPathComponent("\(name).key")
        let privateKeyPEM = try key.pem()
        try PKIFiles.create(certificatePath, bytes: leaf.pem, permissions: 0o644)
        try PKIFiles.create(keyPath, bytes: privateKeyPEM, permissions: 0o600)
        return TestIdentity(
            commonName: commonName, certificatePath: certificatePath, keyPath: keyPath, serial: leaf.serial,
            certificateDER: leaf.der, certificatePEM: leaf.pem,
            publicKeyDER: try key.publicKeyDER(), privateKeyPEM: privateKeyPEM, key: key)
    }

    /// Writes a CRL revoking these identities (by serial, so they must be this CA's), valid
    /// from now until `nextUpdate` seconds from now, to `<slug>-crl-<number>.pem`; returns
    /// its path. Each CRL gets the next cRLNumber.
    public func writeCRL(revoking: [TestIdentity], nextUpdate: Int = 86_400) throws -> URL {
        let crl = try authority.revocationList(revoking: revoking.map(\.serial), nextUpdate: nextUpdate)
        let url = directory.appendingPathComponent("\(slug)-crl-\(crl.number).pem")
        try PKIFiles.create(url, bytes: crl.pem, permissions: 0o644)
        return url
    }
}
