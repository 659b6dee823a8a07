import ChatServer
import Foundation
import IRC
import Testing

@Suite struct HubBotAndSetnameTests {
    @Test func botModeShowsInWhoWhoisModeAndATag() {
        var harness = HubHarness()
        let bot = harness.register("bot")
        let alice = harness.register("alice", caps: "message-tags")
        harness.send("MODE bot +B", from: bot)
        #expect(harness.take(bot) == [":bot!bot@192.0.2.1 MODE bot +B"])
        harness.send("MODE bot", from: bot)
        #expect(harness.take(bot) == [":securechat.local 221 bot +B"])
        harness.send("WHO bot", "WHOIS bot", from: alice)
        let lines = harness.take(alice)
        #expect(lines.first == ":securechat.local 352 alice * bot 192.0.2.1 securechat.local bot HB :0 bot Example")
        #expect(lines.contains(":securechat.local 335 alice bot :is a bot"))
        harness.send("PRIVMSG #lobby :beep", from: bot)
        let received = harness.take(alice)
        #expect(received.count == 1 && received[0].hasPrefix("@msgid=") && received[0].contains(";bot "))
        harness.send("MODE bot -B+i", from: bot)
        #expect(harness.take(bot) == [":bot!bot@192.0.2.1 MODE bot +i-B"])
    }

    @Test func setnameChangesTheRealNameAndTellsThoseWithTheCapability() {
        var harness = HubHarness()
        let alice = harness.register("alice", caps: "setname")
        let bob = harness.register("bob", caps: "setname")
        let carol = harness.register("carol")
        harness.send("SETNAME :Alice Liddell", from: alice)
        #expect(harness.take(alice) == [":alice!alice@192.0.2.1 SETNAME :Alice Liddell"])
        #expect(harness.take(bob) == [":alice!alice@192.0.2.1 SETNAME :Alice Liddell"])
        #expect(harness.take(carol).isEmpty)
        harness.send("WHOIS alice", from: carol)
        #expect(harness.take(carol).contains(":securechat.local 311 carol alice alice 192.0.2.1 * :Alice Liddell"))
    }

    @Test func setnameWithoutTheCapabilityIsConfirmedByNotice() {
        var harness = HubHarness()
        let carol = harness.register("carol")
        harness.send("SETNAME :C", from: carol)
        #expect(harness.take(carol) == [":securechat.local NOTICE carol :Your real name is now: C"])
    }

    @Test(arguments: ["SETNAME :", "SETNAME :" + String(repeating: "x", count: 201)])
    func anEmptyOrLongRealNameFails(line: String) {
        var harness = HubHarness()
        let alice = harness.register("alice", caps: "setname")
        harness.send(line, from: alice)
        let lines = harness.take(alice)
        #expect(lines.count == 1 && lines[0].hasPrefix(":securechat.local FAIL SETNAME INVALID_REALNAME "))
    }
}
