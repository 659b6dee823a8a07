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
        ("AUTHENTICATE EXTERNAL", ":securechat.local 904 * :SASL authentication failed"),
    ])
    func repliesBeforeRegistration(line: String, reply: String) {
        #expect(HubHarness.repliesBeforeRegistration(to: line) == [reply])
    }

    /// A session that has only connected, with a certificate bound to alice.
    static func connected() -> (HubHarness, SessionID) {
        var harness = HubHarness()
        let session = harness.connect(bound: ["alice"])
        return (harness, session)
    }

    @Test func capReqIsAllOrNothing() {
        var (harness, session) = Self.connected()
        let replies = harness.replies(
            to: "CAP REQ :server-time bogus",
            "CAP LIST",
            "CAP REQ :server-time echo-message",
            "CAP REQ :-echo-message",
            "CAP LIST",
            from: session
        )
        #expect(replies == [
            ":securechat.local CAP * NAK :server-time bogus",
            ":securechat.local CAP * LIST :",
            ":securechat.local CAP * ACK :server-time echo-message",
            ":securechat.local CAP * ACK -echo-message",
            ":securechat.local CAP * LIST server-time",
        ])
    }

    @Test func capReqBeforeNickHoldsRegistrationToo() {
        var (harness, session) = Self.connected()
        harness.send("CAP REQ :message-tags", "NICK alice", "USER alice 0 * :A", from: session)
        #expect(!harness.hub.isRegistered(session))
        harness.send("CAP END", from: session)
        #expect(harness.hub.isRegistered(session))
    }

    @Test func capWorksAfterRegistrationAndEndIsIgnored() {
        var harness = HubHarness()
        let alice = harness.register("alice")
        #expect(harness.replies(to: "CAP REQ server-time", "CAP LIST", "CAP END", from: alice) == [
            ":securechat.local CAP alice ACK server-time",
            ":securechat.local CAP alice LIST server-time",
        ])
    }

    /// Channel delivery keeps its members grouped by capability; a change of capability
    /// or of membership after the first message must show in the next one.
    @Test func capabilityAndMembershipChangesReachTheNextChannelMessage() {
        var harness = HubHarness()
        let (alice, bob) = harness.register("alice", "bob")
        harness.send("PRIVMSG #lobby :one", from: alice, expecting: [bob: [":alice!alice@192.0.2.1 PRIVMSG #lobby one"]])
        _ = harness.replies(to: "CAP REQ server-time", from: bob)
        harness.send("PRIVMSG #lobby :two", from: alice)
        let two = harness.take(bob)
        #expect(two.count == 1 && two[0].hasPrefix("@time=") && two[0].hasSuffix("PRIVMSG #lobby two"))
        let carol = harness.register("carol")
        harness.prepare("PART #lobby", from: bob)
        harness.send("PRIVMSG #lobby :three", from: alice, expecting: [bob: [], carol: [":alice!alice@192.0.2.1 PRIVMSG #lobby three"]])
    }

    // MARK: SASL EXTERNAL

    /// Connects, negotiates `sasl` and sets a nick and user, so registration waits on CAP END.
    static func saslSession() -> (HubHarness, SessionID) {
        var harness = HubHarness()
        let session = harness.connect(bound: ["alice", "ali"])
        _ = harness.replies(to: "CAP LS 302", "CAP REQ :sasl", "NICK ali", "USER ali 0 * :Ali", from: session)
        return (harness, session)
    }

    @Test(arguments: ["+", Data("alice".utf8).base64EncodedString(), Data("ALICE".utf8).base64EncodedString()])
    func saslExternalLogsInWithAnEmptyOrMatchingAuthzid(response: String) {
        var (harness, session) = Self.saslSession()
        #expect(harness.replies(to: "AUTHENTICATE EXTERNAL", "AUTHENTICATE \(response)", from: session) == [
            ":securechat.local AUTHENTICATE +",
            ":securechat.local 900 ali ali!ali@192.0.2.1 alice :You are now logged in as alice",
            ":securechat.local 903 ali :SASL authentication successful",
        ])
        #expect(!harness.hub.isRegistered(session))
        harness.send("CAP END", from: session)
        #expect(harness.hub.isRegistered(session))
        #expect(harness.replies(to: "AUTHENTICATE EXTERNAL", from: session).last == ":securechat.local 907 ali :You have already authenticated using SASL")
    }

    @Test func saslExternalWithAnotherAuthzidFails() {
        var (harness, session) = Self.saslSession()
        let replies = harness.replies(
            to: "AUTHENTICATE EXTERNAL",
            "AUTHENTICATE \(Data("bob".utf8).base64EncodedString())",
            "AUTHENTICATE !!notbase64",
            from: session
        )
        #expect(replies == [
            ":securechat.local AUTHENTICATE +",
            ":securechat.local 904 ali :SASL authentication failed",
            ":securechat.local 908 ali EXTERNAL :are available SASL mechanisms",
            ":securechat.local 904 ali :SASL authentication failed",
        ])
    }

    @Test func saslAbortAndUnknownMechanism() {
        var (harness, session) = Self.saslSession()
        #expect(harness.replies(to: "AUTHENTICATE PLAIN", "AUTHENTICATE EXTERNAL", "AUTHENTICATE *", "AUTHENTICATE +", from: session) == [
            ":securechat.local 908 ali EXTERNAL :are available SASL mechanisms",
            ":securechat.local 904 ali :SASL authentication failed",
            ":securechat.local AUTHENTICATE +",
            ":securechat.local 906 ali :SASL authentication aborted",
            ":securechat.local 908 ali EXTERNAL :are available SASL mechanisms",
            ":securechat.local 904 ali :SASL authentication failed",
        ])
    }

    @Test func saslBeforeNickUsesAStarForTheUnknownParts() {
        var (harness, session) = Self.connected()
        #expect(harness.replies(to: "CAP REQ sasl", "AUTHENTICATE EXTERNAL", "AUTHENTICATE +", from: session).dropFirst(2).first
            == ":securechat.local 900 * *!*@192.0.2.1 alice :You are now logged in as alice")
    }
}
