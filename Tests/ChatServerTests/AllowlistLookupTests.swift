import ChatServer
import TLS
import TestSupport
import Testing

@Suite("Allowlist lookups with real certificates")
struct AllowlistLookupTests: AllowlistCertificates {
    let pki: TestPKI
    let alice: CertificateInfo
    let bob: CertificateInfo

    private func allowlist(_ lines: String...) throws -> Allowlist {
        try Allowlist(parsing: lines.joined(separator: "\n"), path: "allow.txt")
    }

    @Test func certificateFingerprintAdmitsItsNick() throws {
        let list = try self.allowlist("alice \(self.alice.fingerprint)")
        #expect(list.nicks(for: self.alice) == ["alice"])
        #expect(list.nicks(for: self.bob) == [])
        #expect(list.admits(self.alice))
        #expect(!list.admits(self.bob))
    }

    @Test func publicKeyFingerprintAdmitsInEverySpelling() throws {
        for spelling in [self.alice.publicKeyFingerprint.description, self.alice.publicKeyFingerprint.hexDescription] {
            let list = try self.allowlist("alice \(spelling)")
            #expect(list.nicks(for: self.alice) == ["alice"])
        }
    }

    @Test func publicKeyBindingSurvivesRenewalWithTheSameKey() throws {
        let renewed = try self.pki.ca.issue(commonName: "alice", reuseKeyOf: try self.pki.client("alice")).info()
        #expect(renewed.fingerprint != self.alice.fingerprint)
        let byKey = try self.allowlist("alice \(self.alice.publicKeyFingerprint)")
        let byCertificate = try self.allowlist("alice \(self.alice.fingerprint)")
        #expect(byKey.nicks(for: renewed) == ["alice"])
        #expect(byCertificate.nicks(for: renewed) == [])
    }

    @Test func nicksComeInFileOrderAcrossBothFingerprintsWithoutDuplicates() throws {
        let list = try self.allowlist(
            "bob \(self.bob.fingerprint)",
            "alice-bot \(self.alice.publicKeyFingerprint)",
            "alice \(self.alice.fingerprint)",
            "Alice-Bot \(self.alice.fingerprint)",
            "alice \(self.alice.publicKeyFingerprint)",
            "ally \(self.alice.publicKeyFingerprint.hexDescription)")
        #expect(list.nicks(for: self.alice) == ["alice-bot", "alice", "ally"])
        #expect(list.nicks(for: self.bob) == ["bob"])
    }

    @Test func oneNickMayHaveSeveralDevices() throws {
        let list = try self.allowlist("alice \(self.alice.fingerprint)", "alice \(self.bob.publicKeyFingerprint)")
        #expect(list.nicks(for: self.alice) == ["alice"])
        #expect(list.nicks(for: self.bob) == ["alice"])
        #expect(list.fingerprints(boundTo: "ALICE") == [self.alice.fingerprint, self.bob.publicKeyFingerprint])
    }

    @Test(arguments: ["alice", "ALICE", "aLiCe"])
    func nickBindingIgnoresASCIICase(nick: String) throws {
        let list = try self.allowlist("Alice \(self.alice.fingerprint)")
        #expect(list.isBound(nick: nick, to: self.alice))
        #expect(!list.isBound(nick: nick, to: self.bob))
        #expect(list.nicks(for: self.alice) == ["Alice"])
    }

    @Test func unboundNickIsNotBound() throws {
        let list = try self.allowlist("alice \(self.alice.fingerprint)", "bob \(self.bob.fingerprint)")
        #expect(!list.isBound(nick: "bob", to: self.alice))
        #expect(!list.isBound(nick: "carol", to: self.alice))
        #expect(list.fingerprints(boundTo: "carol") == [])
    }

    @Test func suggestedLineUsesTheCommonNameAndParsesBack() throws {
        let line = Allowlist.suggestedLine(for: self.alice)
        #expect(line == "alice sha256:\(self.alice.fingerprint.hex)")
        #expect(try Allowlist(parsing: line, path: "p").nicks(for: self.alice) == ["alice"])
    }

    @Test(arguments: ["Alice Smith", "9lives", "alice@example.org"])
    func suggestedLineUsesAPlaceholderWhenTheCommonNameIsNoNickname(commonName: String) throws {
        let info = try self.pki.ca.issue(commonName: commonName).info()
        #expect(Allowlist.suggestedLine(for: info) == "NICK sha256:\(info.fingerprint.hex)")
    }
}
