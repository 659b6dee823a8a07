import Foundation

/// Everything a TLS test usually needs, made fresh in one new temporary folder.
///
/// The folder (`securechat-pki-<uuid>` under the temporary directory, mode 0700) is removed
/// when this object goes away, so keep it alive while any of its paths are in use. Nothing
/// here is ever committed: keys exist only for the life of the test run.
///
/// Identities other than `server` are made on first use and then reused; every accessor
/// may be called from several tasks at once.
public final class TestPKI: @unchecked Sendable {
    public let directory: URL
    /// The CA that clients and the server trust.
    public let ca: TestCertificateAuthority
    /// A second, unrelated CA: what it signs must be refused by peers that trust `ca`.
    public let otherCA: TestCertificateAuthority
    /// CN localhost; SANs DNS localhost, IP 127.0.0.1 and ::1; serverAuth only.
    public let server: TestIdentity

    private let lock = NSLock()
    private var identities: [String: TestIdentity] = [:]
    private var revocationList: URL?

    public init() throws {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("securechat-pki-\(UUID().uuidString)", isDirectory: true)
        try PKIFiles.createDirectory(directory)
        do {
            ca = try TestCertificateAuthority(commonName: "SecureChat Test CA", directory: directory)
            otherCA = try TestCertificateAuthority(commonName: "Other Test CA", directory: directory)
            server = try ca.issue(
                commonName: "localhost", dnsNames: ["localhost"], ipAddresses: ["127.0.0.1", "::1"],
                serverAuth: true, clientAuth: false)
        } catch {
            try? FileManager.default.removeItem(at: directory)
            throw error
        }
        self.directory = directory
    }

    deinit {
        try? FileManager.default.removeItem(at: directory)
    }

    /// A client certificate for `nick` (its CN), valid now, clientAuth only, signed by `ca`.
    /// The same nick returns the same identity.
    public func client(_ nick: String) throws -> TestIdentity {
        try cached("client:\(nick)") { try ca.issue(commonName: nick) }
    }

    /// Signed by `ca`, but valid only from two days ago until one day ago.
    public func expiredClient() throws -> TestIdentity {
        try cached("expired") {
            try ca.issue(commonName: "expired", validFrom: -2 * 86_400, validUntil: -86_400)
        }
    }

    /// Signed by `ca`, but valid only from one day from now until two days from now.
    public func notYetValidClient() throws -> TestIdentity {
        try cached("not-yet-valid") {
            try ca.issue(commonName: "not-yet-valid", validFrom: 86_400, validUntil: 2 * 86_400)
        }
    }

    /// A client certificate (CN foreign) signed by `otherCA`.
    public func foreignClient() throws -> TestIdentity {
        try cached("foreign") { try otherCA.issue(commonName: "foreign") }
    }

    /// A client certificate (CN revoked) signed by `ca` and listed in `crl()`.
    public func revokedClient() throws -> TestIdentity {
        try cached("revoked") { try ca.issue(commonName: "revoked") }
    }

    /// `ca`'s CRL, revoking `revokedClient()` and nothing else; written once, valid a day.
    public func crl() throws -> URL {
        let revoked = try revokedClient()
        return try lock.withLock {
            if let revocationList { return revocationList }
            let url = try ca.writeCRL(revoking: [revoked])
            revocationList = url
            return url
        }
    }

    /// Returns the identity stored under `key`, making it with `make` the first time.
    /// Holding the lock while making keeps two callers from making two different ones.
    private func cached(_ key: String, _ make: () throws -> TestIdentity) throws -> TestIdentity {
        try lock.withLock {
            if let identity = identities[key] { return identity }
            let identity = try make()
            identities[key] = identity
            return identity
        }
    }
}
