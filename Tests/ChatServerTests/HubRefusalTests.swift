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

    /// What the server takes back from a registered session.
    enum Refusal: Sendable {
        /// Its certificate left the allowlist.
        case disallowed
        /// Its certificate no longer passes verification after a TLS reload.
        case revoked
        /// Its nick is no longer bound to its certificate.
        case unbound

        func apply(to session: SessionID, in harness: inout HubHarness) {
            switch self {
            case .disallowed: harness.disallow(session)
            case .revoked: harness.revoke(session, reason: "Closing link: certificate revoked")
            case .unbound: harness.updateBindings(session, ["ali"])
            }
        }
    }

    @Test(arguments: [
        (
            Refusal.disallowed, "CERT_NOT_ALLOWED :Your certificate is no longer in this server's allowlist",
            "Closing link: certificate no longer allowed", "Certificate no longer allowed"
        ),
        (
            .revoked, "CERT_REVOKED :Your certificate is no longer accepted",
            "Closing link: certificate revoked", "Certificate no longer accepted"
        ),
        (
            .unbound, "NICK_NOT_BOUND :Nick alice is no longer bound to your certificate",
            "Closing link: nick alice is no longer bound to your certificate",
            "Closing link: nick alice is no longer bound to your certificate"
        ),
    ])
    func aRefusedSessionGetsItsCodeAndClosesAndPeersSeeItQuit(_ refusal: Refusal, fail: String, reason: String, quit: String) {
        var harness = HubHarness()
        let alice = harness.register("alice", bound: ["alice", "ali"])
        let bob = harness.register("bob")
        refusal.apply(to: alice, in: &harness)
        #expect(harness.take(alice) == [":securechat.local FAIL * \(fail)"])
        #expect(harness.closed[alice] == reason)
        #expect(harness.take(bob) == [":alice!alice@192.0.2.1 QUIT :\(quit)"])
    }

    @Test(arguments: [Refusal.disallowed, .revoked, .unbound])
    func refusalsOfAGoneSessionSendNothing(_ refusal: Refusal) {
        var harness = HubHarness()
        let alice = harness.register("alice", bound: ["alice", "ali"])
        harness.disconnect(alice, reason: "gone")
        refusal.apply(to: alice, in: &harness)
        #expect(harness.lastOutputs.isEmpty)
    }
}
