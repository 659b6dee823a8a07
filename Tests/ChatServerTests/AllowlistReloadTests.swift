@testable import ChatServer
import TLS
import TestSupport
import Testing

@Suite("Allowlist reloads")
struct AllowlistReloadTests: AllowlistCertificates {
    let pki: TestPKI
    let alice: CertificateInfo
    let bob: CertificateInfo

    private func reload(from old: String, to new: String) throws -> AllowlistReload {
        AllowlistReload(
            old: try Allowlist(parsing: old, path: "allow.txt"), new: try Allowlist(parsing: new, path: "allow.txt"))
    }

    @Test func untouchedSessionIsUnchangedWhenOtherLinesChange() throws {
        let reload = try self.reload(
            from: "alice \(self.alice.fingerprint)\nbob \(self.bob.fingerprint)",
            to: "# alice's laptop\nALICE \(self.alice.fingerprint.hexDescription.uppercased())")
        #expect(reload.hasChanges)
        #expect(reload.outcome(for: self.alice, nick: "alice") == .unchanged)
        #expect(reload.outcome(for: self.bob, nick: "bob") == .revoked)
        #expect(!reload.outcome(for: self.bob, nick: nil).isAdmitted)
    }

    @Test func removedNickOfAStillAdmittedCertificateIsReported() throws {
        let reload = try self.reload(
            from: "alice \(self.alice.fingerprint)\nalice-bot \(self.alice.fingerprint)",
            to: "alice \(self.alice.fingerprint)")
        #expect(reload.outcome(for: self.alice, nick: "alice-bot") == .nickRemoved(nicks: ["alice"]))
        #expect(reload.outcome(for: self.alice, nick: "Alice") == .nicksChanged(nicks: ["alice"]))
        #expect(reload.outcome(for: self.alice, nick: "alice").isAdmitted)
    }

    @Test func addedNickIsAChangeButKeepsTheSession() throws {
        let reload = try self.reload(
            from: "alice \(self.alice.fingerprint)",
            to: "alice \(self.alice.fingerprint)\nalice-bot \(self.alice.publicKeyFingerprint)")
        #expect(reload.outcome(for: self.alice, nick: "alice") == .nicksChanged(nicks: ["alice", "alice-bot"]))
        #expect(reload.outcome(for: self.alice, nick: nil) == .nicksChanged(nicks: ["alice", "alice-bot"]))
    }

    @Test func newlyListedCertificateIsAdmitted() throws {
        let reload = try self.reload(from: "", to: "bob \(self.bob.fingerprint)")
        #expect(reload.outcome(for: self.bob, nick: nil) == .nicksChanged(nicks: ["bob"]))
    }

    @Test func commentsAndSpellingAloneAreNoChange() throws {
        let reload = try self.reload(
            from: "alice \(self.alice.fingerprint)\nbob \(self.bob.publicKeyFingerprint)",
            to: "# team\nAlice \(self.alice.fingerprint.hex)   # laptop\n\nbob \(self.bob.publicKeyFingerprint.hexDescription)\r\n")
        #expect(!reload.hasChanges)
        #expect(reload.outcome(for: self.alice, nick: "alice") == .unchanged)
    }

    @Test func reorderingChangesTheAccountName() throws {
        let reload = try self.reload(
            from: "alice \(self.alice.fingerprint)\nally \(self.alice.fingerprint)",
            to: "ally \(self.alice.fingerprint)\nalice \(self.alice.fingerprint)")
        #expect(reload.hasChanges)
        #expect(reload.outcome(for: self.alice, nick: "alice") == .nicksChanged(nicks: ["ally", "alice"]))
    }

    @Test func reloadSummaryCountsLinesAndClosedSessions() throws {
        let reload = try self.reload(from: "alice \(self.alice.fingerprint)", to: "bob \(self.bob.fingerprint)")
        #expect(reload.summary(closed: 1) == "allowlist reloaded: 1 lines, 1 sessions closed")
    }

    /// Emptying the allowlist locks everyone out; the log says so in words.
    @Test func emptiedAllowlistIsSpelledOutInTheSummary() throws {
        let reload = try self.reload(from: "alice \(self.alice.fingerprint)", to: "# nobody for now\n")
        #expect(reload.summary(closed: 3) == "the allowlist allow.txt is now empty: every session is closed and nobody can log in "
            + "until lines are added (3 sessions closed)")
    }
}
