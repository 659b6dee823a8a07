import ChatServer
import Foundation
import IRC
import Testing

/// Refusals of whole lines and the closes the transport asks for: every reply comes from
/// the hub state, not from the connection.
@Suite struct HubLineTests {
    @Test func anOverLongLineGets417AndTheSessionStays() {
        var harness = HubHarness()
        let alice = harness.register("alice")
        harness.receiveTooLong(from: alice)
        #expect(harness.take(alice) == [":securechat.local 417 alice :Input line was too long"])
        #expect(harness.closed[alice] == nil)
    }

    @Test func anOverLongLineBeforeANickIsAnsweredToStar() {
        var harness = HubHarness()
        let session = harness.connect(bound: ["alice"])
        harness.receiveTooLong(from: session)
        #expect(harness.take(session) == [":securechat.local 417 * :Input line was too long"])
    }

    @Test func aLineThatIsNotUTF8IsRefusedAndNotRelayed() {
        var harness = HubHarness()
        let (alice, bob) = harness.register("alice", "bob")
        harness.receive(line: Array("PRIVMSG #lobby :caf".utf8) + [0xE9], from: alice)
        #expect(harness.take(alice) == [":securechat.local FAIL * INVALID_UTF8 :Your line was refused, not relayed: it is not valid UTF-8"])
        #expect(harness.take(bob).isEmpty)
    }

    @Test func aMalformedLineGetsANoticeNamingWhy() throws {
        var harness = HubHarness()
        let alice = harness.register("alice")
        harness.receive(line: Array("@ PRIVMSG #lobby :hi".utf8), from: alice)
        let lines = harness.take(alice)
        #expect(lines.count == 1)
        #expect(try #require(lines.first).hasPrefix(":securechat.local NOTICE alice :Malformed line ignored: "))
    }

    @Test func aCommandLineIsHandledAsTheCommand() {
        var harness = HubHarness()
        let alice = harness.register("alice")
        harness.receive(line: Array("PING :abc".utf8), from: alice)
        #expect(harness.take(alice) == [":securechat.local PONG securechat.local abc"])
    }

    @Test(arguments: ["GET / HTTP/1.1", "POST /login HTTP/1.0", "HEAD /x HTTP/2"])
    func anHTTPRequestBeforeRegistrationClosesWithAHint(line: String) {
        var harness = HubHarness()
        let session = harness.connect(bound: ["alice"])
        harness.receive(line: Array(line.utf8), from: session)
        #expect(harness.closed[session] == "Closing link: this is an IRC server over TLS, not a web server")
        #expect(harness.hub.sessionCount == 0)
    }

    @Test func tooManyLinesBeforeRegistrationClose() {
        var harness = HubHarness(HubConfiguration(created: HubHarness.epoch, maxLinesBeforeRegistration: 3))
        let session = harness.connect(bound: ["alice"])
        for _ in 0..<3 { harness.receive(line: Array("PING x".utf8), from: session) }
        #expect(harness.closed[session] == nil)
        harness.receive(line: Array("PING x".utf8), from: session)
        #expect(harness.closed[session] == "Closing link: more than 3 lines before registration")
    }

    @Test func linesAfterRegistrationAreNotCounted() {
        var harness = HubHarness(HubConfiguration(created: HubHarness.epoch, maxLinesBeforeRegistration: 3))
        let session = harness.connect(bound: ["alice"])
        harness.receive(line: Array("NICK alice".utf8), from: session)
        harness.receive(line: Array("USER alice 0 * :A".utf8), from: session)
        for _ in 0..<10 { harness.receive(line: Array("PING x".utf8), from: session) }
        #expect(harness.closed[session] == nil)
        #expect(harness.hub.isRegistered(session))
    }

    @Test func linesAreCountedByCommandAndTargetKind() {
        var harness = HubHarness()
        let alice = harness.register("alice")
        for line in ["PRIVMSG #lobby :a", "PRIVMSG #lobby :b", "PRIVMSG bob :c", "NOTICE &x :d", "TAGMSG", "FROB x", "PING y"] {
            harness.receive(line: Array(line.utf8), from: alice)
        }
        let counts = harness.hub.statistics.messages.map { "\($0.key.command) \($0.key.target.rawValue) \($0.value)" }.sorted()
        #expect(counts == [
            "NOTICE channel 1", "PING none 1", "PRIVMSG channel 2", "PRIVMSG user 1", "TAGMSG none 1", "unknown none 1",
        ])
    }

    @Test func aCloseAskedByTheTransportQuitsTheChannelsAndSendsError() {
        var harness = HubHarness()
        let (alice, bob) = harness.register("alice", "bob")
        harness.close(alice, reason: "Ping timeout: 60 seconds")
        #expect(harness.take(bob) == [":alice!alice@192.0.2.1 QUIT :Ping timeout: 60 seconds"])
        #expect(harness.closed[alice] == "Ping timeout: 60 seconds")
        #expect(harness.lastOutputs.last == .close(alice, nick: "alice", reason: "Ping timeout: 60 seconds"))
    }

    @Test func aCloseOfAnUnknownSessionDoesNothing() {
        var harness = HubHarness()
        let alice = harness.register("alice")
        harness.disconnect(alice, reason: "gone")
        harness.close(alice, reason: "again")
        #expect(harness.lastOutputs.isEmpty)
    }

    @Test func pingNamesTheServer() {
        var harness = HubHarness()
        let alice = harness.register("alice")
        harness.ping(alice)
        #expect(harness.take(alice) == [":securechat.local PING securechat.local"])
    }
}
