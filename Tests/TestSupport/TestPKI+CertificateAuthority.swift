import COpenSSL
import Foundation

/// A certificate authority made in memory; signs leaf certificates and CRLs.
///
/// Its certificate and key are written to `<directory>/<slug>-ca.pem` and `-ca.key`
/// (slug: the common name in lower case, dashes between words). Leaves and CRLs go to the
/// same folder. Safe to use from several tasks at once: signing is serialised.
public final class TestCertificateAuthority: @unchecked Sendable {
    public let commonName: String
    public let directory: URL
    public let certificatePath: URL
    public let keyPath: URL
    public let certificateDER: [UInt8]
    public let certificatePEM: [UInt8]

    private let certificate: OwnedCertificate
    private let key: OwnedKey
    private let slug: String
    /// Guards `nextSerial`, `nextCRLNumber`, and every use of `certificate` and `key`.
    private let lock = NSLock()
    private var nextSerial: Int
    private var nextCRLNumber = 1

    /// Makes a self-signed P-256 CA valid from an hour ago for ten years, and writes its
    /// certificate (0644) and key (0600) into `directory`, creating it if needed.
    ///
    /// Throws `TestPKIError` if OpenSSL fails or either file already exists.
    public init(commonName: String = "SecureChat Test CA", directory: URL) throws {
        // Serials start at a random 31-bit value so two runs (or two CAs with the same name)
        // do not hand out the same serials, yet stay positive in a `long`.
        let firstSerial = Int.random(in: 1...0x7FFF_0000)
        let key = try OwnedKey.generateP256()
        let builder = CertificateBuilder(
            commonName: commonName, organization: "SecureChat Tests", serial: firstSerial,
            validFrom: -3600, validUntil: 86_400 * 3650,
            extensions: [
                (NID_basic_constraints, "critical,CA:TRUE"),
                (NID_key_usage, "critical,keyCertSign,cRLSign"),
                (NID_subject_key_identifier, "hash"),
            ])
        let certificate = try builder.build(key: key, issuer: nil)

        self.commonName = commonName
        self.directory = directory
        self.slug = PKIFiles.slug(commonName)
        self.certificatePath = directory.appendingPathComponent("\(slug)-ca.pem")
        self.keyPath = directory.appendingPathComponent("\(slug)-ca.key")
        self.certificate = certificate
        self.key = key
        self.certificateDER = try certificate.der()
        self.certificatePEM = try certificate.pem()
        self.nextSerial = firstSerial + 1

        try PKIFiles.createDirectory(directory)
        try PKIFiles.create(certificatePath, bytes: certificatePEM, permissions: 0o644)
        try PKIFiles.create(keyPath, bytes: try key.pem(), permissions: 0o600)
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
    /// Serials are unique within this CA.
    public func issue(
        commonName: String, dnsNames: [String] = [], ipAddresses: [String] = [],
        serverAuth: Bool = false, clientAuth: Bool = true,
        validFrom: Int = -3600, validUntil: Int = 86_400 * 30, reuseKeyOf: TestIdentity? = nil
    ) throws -> TestIdentity {
        let leafKey = try reuseKeyOf.map { try OwnedKey(pem: $0.privateKeyPEM) } ?? OwnedKey.generateP256()
        let purposes = [serverAuth ? "serverAuth" : nil, clientAuth ? "clientAuth" : nil].compactMap { $0 }
        var extensions: [(nid: Int32, value: String)] = [
            (NID_basic_constraints, "CA:FALSE"),
            (NID_key_usage, "critical,digitalSignature"),
            (NID_ext_key_usage, purposes.isEmpty ? "emailProtection" : purposes.joined(separator: ",")),
        ]
        let alternativeNames = dnsNames.map { "DNS:\($0)" } + ipAddresses.map { "IP:\($0)" }
        if !alternativeNames.isEmpty {
            extensions.append((NID_subject_alt_name, alternativeNames.joined(separator: ",")))
        }
        extensions.append((NID_subject_key_identifier, "hash"))
        extensions.append((NID_authority_key_identifier, "keyid"))

        let (serial, leaf) = try lock.withLock {
            let serial = nextSerial
            nextSerial += 1
            let builder = CertificateBuilder(
                commonName: commonName, organization: nil, serial: serial,
                validFrom: validFrom, validUntil: validUntil, extensions: extensions)
            return (serial, try builder.build(key: leafKey, issuer: (certificate, key)))
        }

        let name = "\(PKIFiles.slug(commonName))-\(serial)"
        let certificatePath = directory.appendingPathComponent("\(name).pem")
        let keyPath = directory.appendingPathComponent("\(name).key")
        let certificatePEM = try leaf.pem()
        let privateKeyPEM = try leafKey.pem()
        try PKIFiles.create(certificatePath, bytes: certificatePEM, permissions: 0o644)
        try PKIFiles.create(keyPath, bytes: privateKeyPEM, permissions: 0o600)
        return TestIdentity(
            commonName: commonName, certificatePath: certificatePath, keyPath: keyPath, serial: serial,
            certificateDER: try leaf.der(), certificatePEM: certificatePEM,
            publicKeyDER: try leafKey.publicKeyDER(), privateKeyPEM: privateKeyPEM)
    }

    /// Writes a CRL revoking these identities (by serial, so they must be this CA's), valid
    /// from now until `nextUpdate` seconds from now, to `<slug>-crl-<number>.pem`; returns
    /// its path. Each CRL gets the next cRLNumber.
    public func writeCRL(revoking: [TestIdentity], nextUpdate: Int = 86_400) throws -> URL {
        let (number, pem) = try lock.withLock {
            let number = nextCRLNumber
            nextCRLNumber += 1
            return (number, try signedCRL(number: number, serials: revoking.map(\.serial), nextUpdate: nextUpdate))
        }
        let url = directory.appendingPathComponent("\(slug)-crl-\(number).pem")
        try PKIFiles.create(url, bytes: pem, permissions: 0o644)
        return url
    }

    /// Builds, signs and PEM-encodes a v2 CRL. Call with `lock` held.
    private func signedCRL(number: Int, serials: [Int], nextUpdate: Int) throws -> [UInt8] {
        let crl = try OpenSSLCall.make("X509_CRL_new") { X509_CRL_new() }
        defer { X509_CRL_free(crl) }
        try OpenSSLCall.check("X509_CRL_set_version") { X509_CRL_set_version(crl, Int(X509_CRL_VERSION_2)) }
        try OpenSSLCall.check("X509_CRL_set_issuer_name") {
            X509_CRL_set_issuer_name(crl, X509_get_subject_name(certificate.pointer))
        }
        let now = try OpenSSLCall.make("X509_gmtime_adj(now)") { X509_gmtime_adj(nil, 0) }
        defer { ASN1_TIME_free(now) }
        let next = try OpenSSLCall.make("X509_gmtime_adj(nextUpdate)") { X509_gmtime_adj(nil, nextUpdate) }
        defer { ASN1_TIME_free(next) }
        try OpenSSLCall.check("X509_CRL_set1_lastUpdate") { X509_CRL_set1_lastUpdate(crl, now) }
        try OpenSSLCall.check("X509_CRL_set1_nextUpdate") { X509_CRL_set1_nextUpdate(crl, next) }

        for serial in serials {
            let revoked = try OpenSSLCall.make("X509_REVOKED_new") { X509_REVOKED_new() }
            var crlOwnsRevoked = false
            defer { if !crlOwnsRevoked { X509_REVOKED_free(revoked) } }
            let serialNumber = try Self.integer(serial)
            defer { ASN1_INTEGER_free(serialNumber) }
            try OpenSSLCall.check("X509_REVOKED_set_serialNumber") {
                X509_REVOKED_set_serialNumber(revoked, serialNumber)
            }
            try OpenSSLCall.check("X509_REVOKED_set_revocationDate") {
                X509_REVOKED_set_revocationDate(revoked, now)
            }
            try OpenSSLCall.check("X509_CRL_add0_revoked") { X509_CRL_add0_revoked(crl, revoked) }
            crlOwnsRevoked = true
        }
        try OpenSSLCall.check("X509_CRL_sort") { X509_CRL_sort(crl) }

        var context = X509V3_CTX()
        X509V3_set_ctx(&context, certificate.pointer, nil, nil, crl, 0)
        COpenSSL_X509V3_set_ctx_nodb(&context)
        let authorityKeyID = try OpenSSLCall.make("X509V3_EXT_nconf_nid(authorityKeyIdentifier)") {
            X509V3_EXT_nconf_nid(nil, &context, NID_authority_key_identifier, "keyid")
        }
        defer { X509_EXTENSION_free(authorityKeyID) }
        try OpenSSLCall.check("X509_CRL_add_ext") { X509_CRL_add_ext(crl, authorityKeyID, -1) }
        let crlNumber = try Self.integer(number)
        defer { ASN1_INTEGER_free(crlNumber) }
        try OpenSSLCall.check("X509_CRL_add1_ext_i2d(cRLNumber)") {
            X509_CRL_add1_ext_i2d(crl, NID_crl_number, crlNumber, 0, 0)
        }

        try OpenSSLCall.check("X509_CRL_sign") { X509_CRL_sign(crl, key.pointer, EVP_sha256()) }
        return try MemoryBIO.collect("PEM_write_bio_X509_CRL") { PEM_write_bio_X509_CRL($0, crl) }
    }

    private static func integer(_ value: Int) throws -> UnsafeMutablePointer<ASN1_INTEGER> {
        let integer = try OpenSSLCall.make("ASN1_INTEGER_new") { ASN1_INTEGER_new() }
        do {
            try OpenSSLCall.check("ASN1_INTEGER_set") { ASN1_INTEGER_set(integer, value) }
        } catch {
            ASN1_INTEGER_free(integer)
            throw error
        }
        return integer
    }
}
