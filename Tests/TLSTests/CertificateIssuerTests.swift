import Foundation
import TLS
import Testing

/// The in-process issuer as the benchmark uses it directly; `TestPKITests` checks what it
/// makes against the openssl tool, through TestSupport.
@Suite(.timeLimit(.minutes(1)))
struct CertificateIssuerTests {
    @Test func issuedFingerprintIsTheOneReadBackFromItsFile() throws {
        let folder = try Folder()
        let ca = try CertificateAuthority(commonName: "Issuer Test CA")
        let leaf = try ca.issue(commonName: "alice", usage: .clientAuth, key: try PrivateKey.generateP256())
        let path = folder.path("alice.pem")
        try PEMWriter.write(leaf.pem, toPath: path, permissions: 0o644)
        let info = try CertificateInfo(contentsOf: path)
        #expect(info.fingerprint == leaf.fingerprint)
        #expect(info.commonName == "alice")
        #expect(leaf.fingerprint.description == "sha256:" + info.fingerprint.hex)
    }

    @Test func certificatesOverOneKeyShareItsPublicKeyButNotTheirSerials() throws {
        let folder = try Folder()
        let ca = try CertificateAuthority(commonName: "Issuer Test CA")
        let key = try PrivateKey.generateP256()
        var infos: [CertificateInfo] = []
        var serials: Set<Int> = [ca.certificate.serial]
        for nick in ["u0", "u1", "u2"] {
            let leaf = try ca.issue(commonName: nick, usage: .clientAuth, key: key)
            let path = folder.path("\(nick).pem")
            try PEMWriter.write(leaf.pem, toPath: path, permissions: 0o644)
            infos.append(try CertificateInfo(contentsOf: path))
            serials.insert(leaf.serial)
        }
        #expect(Set(infos.map(\.publicKeyFingerprint)).count == 1)
        #expect(Set(infos.map(\.fingerprint)).count == 3)
        #expect(serials.count == 4)
    }

    @Test func validityWindowInThePastMakesAnExpiredCertificate() throws {
        let folder = try Folder()
        let ca = try CertificateAuthority(commonName: "Issuer Test CA")
        let leaf = try ca.issue(
            commonName: "expired", usage: .clientAuth, validFrom: -2 * 86_400, validUntil: -86_400,
            key: try PrivateKey.generateP256())
        let path = folder.path("expired.pem")
        try PEMWriter.write(leaf.pem, toPath: path, permissions: 0o644)
        #expect(try CertificateInfo(contentsOf: path).daysUntilExpiry() < 0)
    }

    @Test func revocationListsCountUp() throws {
        let ca = try CertificateAuthority(commonName: "Issuer Test CA")
        let first = try ca.revocationList(revoking: [])
        let second = try ca.revocationList(revoking: [ca.certificate.serial + 1])
        #expect(first.number == 1)
        #expect(second.number == 2)
        #expect(String(decoding: second.pem, as: UTF8.self).hasPrefix("-----BEGIN X509 CRL-----"))
    }

    @Test func writerRefusesAnExistingFileUnlessReplacing() throws {
        let folder = try Folder()
        let path = folder.path("ca.key")
        try PEMWriter.write(Array("first".utf8), toPath: path, permissions: 0o600)
        #expect(throws: TLSError(.fileUnwritable, "")) {
            try PEMWriter.write(Array("second".utf8), toPath: path, permissions: 0o600)
        }
        try PEMWriter.write(Array("third".utf8), toPath: path, permissions: 0o600, replacing: true)
        #expect(Array(try Data(contentsOf: URL(fileURLWithPath: path))) == Array("third".utf8))
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        #expect(attributes[.posixPermissions] as? Int == 0o600)
    }

    /// A fresh folder under the temporary directory, removed when this value goes away.
    private final class Folder {
        let url: URL

        init() throws {
            self.url = FileManager.default.temporaryDirectory
                .appendingPathComponent("securechat-issuer-\(UUID().uuidString)", isDirectory: true)
            try FileManager.default.createDirectory(
                at: self.url, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        }

        deinit { try? FileManager.default.removeItem(at: self.url) }

        func path(_ name: String) -> String {
            self.url.appendingPathComponent(name).path(percentEncoded: false)
        }
    }
}
