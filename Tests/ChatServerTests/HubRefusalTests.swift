import ChatServer
import Foundation
import IRC
import Testing

/// Closes that would recur on reconnecting carry a machine-readable code
/// (`FAIL * <CODE>`) before their ERROR, so that a client never reads the words.
@Suite struct HubRefusalTests {
    @Test func anUnlistedCertificateIsRefusedWithACodeAndTheLineToAdd() throws {
        var harness = HubHarness()
        let session = harness.connect(bound: [])
        let lines = harness.take(session)
        #expect(lines == [":securechat.local FAIL * CERT_NOT_ALLOWED :Your certificate is not in this server's allowlist"])
        let reason = try #require(harness.closed[session])
        #expect(reason.hasPrefix("Closing link: your certificate is not in this server's allowlist."))
        #expect(reason.hasSuffix("adds this line to the allowlist: NICK sha256:" + String(repeating: "01", count: 32)))
        #expect(harness.hub.sessionCount == 0)
    }

    @Test func aCertificateTakenOffTheAllowlistGetsCertNotAllowed() {
        var harness = HubHarness()
        let (alice, bob) = harness.register("alice", "bob")
        harness.disallow(alice)
        #expect(harness.take(alice) == [":securechat.local FAIL * CERT_NOT_ALLOWED :Your certificate is no longer in this server's allowlist"])
        #expect(harness.closed[alice] == "Closing link: certificate no longer allowed")
        #expect(harness.take(bob) == [":alice!alice@192.0.2.1 QUIT :Certificate no longer allowed"])
    }

    @Test func aRevokedCertificateGetsCertRevoked() {
        var harness = HubHarness()
        let (alice, bob) = harness.register("alice", "bob")
        harness.revoke(alice, reason: "Closing link: certificate revoked")
        #expect(harness.take(alice) == [":securechat.local FAIL * CERT_REVOKED :Your certificate is no longer accepted"])
        #expect(harness.closed[alice] == "Closing link: certificate revoked")
        #expect(harness.take(bob) == [":alice!alice@192.0.2.1 QUIT :Certificate no longer accepted"])
    }

    @Test func aNickNoLongerBoundGetsNickNotBound() {
        var harness = HubHarness()
        let alice = harness.register("alice", bound: ["alice", "ali"])
        harness.updateBindings(alice, ["ali"])
        #expect(harness.take(alice) == [":securechat.local FAIL * NICK_NOT_BOUND :Nick alice is no longer bound to your certificate"])
        #expect(harness.closed[alice] == "Closing link: nick alice is no longer bound to your certificate")
    }

    @Test func refusalsOfAGoneSessionSendNothing() {
        var harness = HubHarness()
        let alice = harness.register("alice")
        harness.disconnect(alice, reason: "gone")
        harness.revoke(alice, reason: "x")
        #expect(harness.lastOutputs.isEmpty)
        harness.disallow(alice)
        #expect(harness.lastOutputs.isEmpty)
    }
}
