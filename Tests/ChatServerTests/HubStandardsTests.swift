import ChatServer
import Foundation
import IRC
import Testing

/// Replies standard clients and bots rely on: empty USER parameters, tag limits, LUSERS
/// counts with maxima, invalid UTF-8 during registration, STATUSMSG.
@Suite struct HubStandardsTests {
    @Test(arguments: ["USER alice 0 * :", "USER alice 0 *"])
    func userWithoutARealnameGets461(line: String) {
        var harness = HubHarness()
        let session = harness.connect(bound: ["alice"])
        harness.send("NICK alice", line, from: session)
        #expect(harness.take(session) == [":securechat.local 461 alice USER :Not enough parameters"])
        #expect(!harness.hub.isRegistered(session))
        harness.send("USER alice 0 * :Alice", from: session)
        #expect(harness.hub.isRegistered(session))
    }

    /// A TAGMSG with `size` bytes of tag data, counted as sent.
    static func tagmsg(tagDataBytes size: Int) -> String {
        "@+a=" + String(repeating: "v", count: size - 3) + " TAGMSG bob"
    }

    @Test func tagDataOfExactly4094BytesIsRelayedIntact() {
        var harness = HubHarness()
        let alice = harness.register("alice", caps: "message-tags")
        let bob = harness.register("bob", caps: "message-tags")
        let line = Self.tagmsg(tagDataBytes: 4094)
        harness.receive(line: Array(line.utf8), from: alice)
        let value = String(repeating: "v", count: 4091)
        #expect(harness.take(bob) == ["@+a=\(value);msgid=0000100000000 :alice!alice@192.0.2.1 TAGMSG bob"])
        #expect(harness.take(alice).isEmpty)
    }

    @Test func tagDataOverThe4094BytesGets417AndNothingIsRelayed() {
        var harness = HubHarness()
        let alice = harness.register("alice", caps: "message-tags")
        let bob = harness.register("bob", caps: "message-tags")
        harness.receive(line: Array(Self.tagmsg(tagDataBytes: 4095).utf8), from: alice)
        #expect(harness.take(alice) == [":securechat.local 417 alice :Input line was too long: more than 4094 bytes of tags"])
        #expect(harness.take(bob).isEmpty)
        #expect(harness.records.isEmpty)
    }

    @Test func lusersCountsLocalAndGlobalUsersWithTheirMaximum() {
        var harness = HubHarness()
        let (alice, bob, _) = harness.register("alice", "bob", "carol")
        harness.send("QUIT", from: bob)
        harness.clear()
        harness.send("LUSERS", from: alice)
        let lines = harness.take(alice)
        #expect(lines.contains(":securechat.local 265 alice 2 3 :Current local users 2, max 3"))
        #expect(lines.contains(":securechat.local 266 alice 2 3 :Current global users 2, max 3"))
    }

    @Test func invalidUTF8InUSERGetsAFailAndTheClientMayRetry() {
        var harness = HubHarness()
        let session = harness.connect(bound: ["alice"])
        harness.send("NICK alice", from: session)
        harness.receive(line: Array("USER alice 0 * :caf".utf8) + [0xE9], from: session)
        #expect(harness.take(session) == [
            ":securechat.local FAIL * INVALID_UTF8 :Your line was refused, not relayed: it is not valid UTF-8"
        ])
        #expect(!harness.hub.isRegistered(session))
        harness.receive(line: Array("USER alice 0 * :café".utf8), from: session)
        #expect(harness.hub.isRegistered(session))
        #expect(harness.take(session).first?.hasPrefix(":securechat.local 001 alice ") == true)
    }

    /// A STATUSMSG prefix reaches the members with its channel mode or a higher one, and the
    /// sender's echo; not the others, nor the channel's history.
    @Test(arguments: [(prefix: "@", mode: "+o"), (prefix: "+", mode: "+v")])
    func statusMessageReachesOnlyMembersWithTheMode(prefix: String, mode: String) {
        var harness = HubHarness()
        let (alice, bob, carol) = harness.register("alice", "bob", "carol")
        let dave = harness.register("dave", caps: "echo-message")
        harness.channel("#ops", members: [alice, bob, carol, dave])
        harness.send("MODE #ops \(mode) bob", from: alice)
        harness.clear()
        harness.send("PRIVMSG \(prefix)#ops :\(mode) and up", from: dave)
        harness.expect([alice, bob, dave], received: [":dave!dave@192.0.2.1 PRIVMSG \(prefix)#ops :\(mode) and up"])
        harness.expect([carol], received: [])
        #expect(harness.records.isEmpty, "a message to some of the members is not in the channel's history")

        harness.send("PRIVMSG \(prefix)#nowhere :x", from: carol, expecting: [
            ":securechat.local 401 carol \(prefix)#nowhere :No such nick/channel",
        ])
        harness.send("PART #ops", from: carol)
        harness.clear()
        harness.send("PRIVMSG \(prefix)#ops :x", from: carol, expecting: [
            ":securechat.local 404 carol #ops :Cannot send to channel",
        ])
        harness.expect([alice], received: [])
    }
}
