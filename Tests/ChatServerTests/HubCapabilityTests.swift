import ChatServer
import Foundation
import IRC
import Testing

@Suite struct HubCapabilityTests {
    @Test(arguments: [
        ("CAP LS", ":securechat.local CAP * LS :message-tags server-time echo-message sasl multi-prefix batch draft/chathistory labeled-response account-tag account-notify away-notify extended-join userhost-in-names standard-replies extended-monitor setname draft/multiline invite-notify draft/read-marker"),
        ("CAP LS 302", ":securechat.local CAP * LS :message-tags server-time echo-message sasl=EXTERNAL multi-prefix batch draft/chathistory labeled-response account-tag account-notify away-notify extended-join userhost-in-names standard-replies extended-monitor setname draft/multiline=max-bytes=4096,max-lines=100 invite-notify draft/read-marker"),
        ("CAP REQ :server-time echo-message", ":securechat.local CAP * ACK :server-time echo-message"),
        ("CAP REQ :server-time chghost", ":securechat.local CAP * NAK :server-time chghost"),
        ("CAP REQ :-sasl", ":securechat.local CAP * ACK -sasl"),
        ("CAP LIST", ":securechat.local CAP * LIST :"),
        ("CAP FROB", ":securechat.local 410 * FROB :Invalid CAP command"),
        ("CAP", ":securechat.local 461 * CAP :Not enough parameters"),
    ])
    func capRepliesBeforeRegistration(line: String, reply: String) {
        #expect(HubHarness.repliesBeforeRegistration(to: line) == [reply])
    }

    @Test func capReqIsAllOrNothing() {
        var harness = HubHarness()
        let session = harness.connect(bound: ["alice"])
        harness.send(
            "CAP REQ :server-time bogus",
            "CAP LIST",
            "CAP REQ :server-time echo-message",
            "CAP REQ :-echo-message",
            "CAP LIST",
            from: session
        )
        #expect(harness.take(session) == [
            ":securechat.local CAP * NAK :server-time bogus",
            ":securechat.local CAP * LIST :",
            ":securechat.local CAP * ACK :server-time echo-message",
            ":securechat.local CAP * ACK -echo-message",
            ":securechat.local CAP * LIST server-time",
        ])
    }

    @Test func capReqBeforeNickHoldsRegistrationToo() {
        var harness = HubHarness()
        let session = harness.connect(bound: ["alice"])
        harness.send("CAP REQ :message-tags", "NICK alice", "USER alice 0 * :A", from: session)
        #expect(!harness.hub.isRegistered(session))
        harness.send("CAP END", from: session)
        #expect(harness.hub.isRegistered(session))
    }

    @Test func capWorksAfterRegistrationAndEndIsIgnored() {
        var harness = HubHarness()
        let alice = harness.register("alice")
        harness.send("CAP REQ server-time", "CAP LIST", "CAP END", from: alice)
        #expect(harness.take(alice) == [
            ":securechat.local CAP alice ACK server-time",
            ":securechat.local CAP alice LIST server-time",
        ])
    }

    /// Channel delivery keeps its members grouped by capability; a change of capability
    /// or of membership after the first message must show in the next one.
    @Test func capabilityAndMembershipChangesReachTheNextChannelMessage() {
        var harness = HubHarness()
        let (alice, bob) = harness.register("alice", "bob")
        harness.send("PRIVMSG #lobby :one", from: alice)
        #expect(harness.take(bob) == [":alice!alice@192.0.2.1 PRIVMSG #lobby one"])
        harness.send("CAP REQ server-time", from: bob)
        _ = harness.take(bob)
        harness.send("PRIVMSG #lobby :two", from: alice)
        let two = harness.take(bob)
        #expect(two.count == 1 && two[0].hasPrefix("@time=") && two[0].hasSuffix("PRIVMSG #lobby two"))
        let carol = harness.register("carol")
        harness.send("PART #lobby", from: bob)
        harness.clear()
        harness.send("PRIVMSG #lobby :three", from: alice)
        #expect(harness.take(bob).isEmpty)
        #expect(harness.take(carol) == [":alice!alice@192.0.2.1 PRIVMSG #lobby three"])
    }

    // MARK: SASL EXTERNAL

    /// Connects, negotiates `sasl` and sets a nick and user, so registration waits on CAP END.
    private func saslSession(_ harness: inout HubHarness, bound: [String] = ["alice", "ali"]) -> SessionID {
        let session = harness.connect(bound: bound)
        harness.send("CAP LS 302", "CAP REQ :sasl", "NICK ali", "USER ali 0 * :Ali", from: session)
        _ = harness.take(session)
        return session
    }

    @Test(arguments: ["+", Data("alice".utf8).base64EncodedString(), Data("ALICE".utf8).base64EncodedString()])
    func saslExternalLogsInWithAnEmptyOrMatchingAuthzid(response: String) {
        var harness = HubHarness()
        let session = saslSession(&harness)
        harness.send("AUTHENTICATE EXTERNAL", "AUTHENTICATE \(response)", from: session)
        #expect(harness.take(session) == [
            ":securechat.local AUTHENTICATE +",
            ":securechat.local 900 ali ali!ali@192.0.2.1 alice :You are now logged in as alice",
            ":securechat.local 903 ali :SASL authentication successful",
        ])
        #expect(!harness.hub.isRegistered(session))
        harness.send("CAP END", from: session)
        #expect(harness.hub.isRegistered(session))
        harness.send("AUTHENTICATE EXTERNAL", from: session)
        #expect(harness.take(session).last == ":securechat.local 907 ali :You have already authenticated using SASL")
    }

    @Test func saslExternalWithAnotherAuthzidFails() {
        var harness = HubHarness()
        let session = saslSession(&harness)
        harness.send(
            "AUTHENTICATE EXTERNAL",
            "AUTHENTICATE \(Data("bob".utf8).base64EncodedString())",
            "AUTHENTICATE !!notbase64",
            from: session
        )
        #expect(harness.take(session) == [
            ":securechat.local AUTHENTICATE +",
            ":securechat.local 904 ali :SASL authentication failed",
            ":securechat.local 908 ali EXTERNAL :are available SASL mechanisms",
            ":securechat.local 904 ali :SASL authentication failed",
        ])
    }

    @Test func saslAbortAndUnknownMechanism() {
        var harness = HubHarness()
        let session = saslSession(&harness)
        harness.send("AUTHENTICATE PLAIN", "AUTHENTICATE EXTERNAL", "AUTHENTICATE *", "AUTHENTICATE +", from: session)
        #expect(harness.take(session) == [
            ":securechat.local 908 ali EXTERNAL :are available SASL mechanisms",
            ":securechat.local 904 ali :SASL authentication failed",
            ":securechat.local AUTHENTICATE +",
            ":securechat.local 906 ali :SASL authentication aborted",
            ":securechat.local 908 ali EXTERNAL :are available SASL mechanisms",
            ":securechat.local 904 ali :SASL authentication failed",
        ])
    }

    @Test func saslNeedsTheCapability() {
        var harness = HubHarness()
        let session = harness.connect(bound: ["alice"])
        harness.send("AUTHENTICATE EXTERNAL", from: session)
        #expect(harness.take(session) == [":securechat.local 904 * :SASL authentication failed"])
    }

    @Test func saslBeforeNickUsesAStarForTheUnknownParts() {
        var harness = HubHarness()
        let session = harness.connect(bound: ["alice"])
        harness.send("CAP REQ sasl", "AUTHENTICATE EXTERNAL", "AUTHENTICATE +", from: session)
        #expect(harness.take(session).dropFirst(2).first
            == ":securechat.local 900 * *!*@192.0.2.1 alice :You are now logged in as alice")
    }
}
