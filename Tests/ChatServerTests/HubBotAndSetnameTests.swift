import ChatServer
import Foundation
import IRC
import Testing

@Suite struct HubBotAndSetnameTests {
    @Test func botModeShowsInWhoWhoisModeAndATag() {
        var harness = HubHarness()
        let bot = harness.register("bot")
        let alice = harness.register("alice", caps: "message-tags")
        harness.send("MODE bot +B", from: bot, expecting: [":bot!bot@192.0.2.1 MODE bot +B"])
        harness.send("MODE bot", from: bot, expecting: [":securechat.local 221 bot +B"])
        harness.send("WHO bot", "WHOIS bot", from: alice)
        let lines = harness.take(alice)
        #expect(lines.first == ":securechat.local 352 alice * bot 192.0.2.1 securechat.local bot HB :0 bot Example")
        #expect(lines.contains(":securechat.local 335 alice bot :is a bot"))
        harness.send("PRIVMSG #lobby :beep", from: bot)
        let received = harness.take(alice)
        #expect(received.count == 1 && received[0].hasPrefix("@msgid=") && received[0].contains(";bot "))
        harness.send("MODE bot -B+i", from: bot, expecting: [":bot!bot@192.0.2.1 MODE bot +i-B"])
    }

    @Test func setnameWithoutTheCapabilityIsConfirmedByNotice() {
        #expect(HubHarness.replies(to: ["SETNAME :C"]) == [":securechat.local NOTICE alice :Your real name is now: C"])
    }

    @Test func setnameChangesTheRealNameAndTellsThoseWithTheCapability() {
        var harness = HubHarness()
        let alice = harness.register("alice", caps: "setname")
        let bob = harness.register("bob", caps: "setname")
        let carol = harness.register("carol")
        harness.send("SETNAME :Alice Liddell", from: alice)
        harness.expect([alice, bob], received: [":alice!alice@192.0.2.1 SETNAME :Alice Liddell"])
        harness.expect([carol], received: [])
        harness.send("WHOIS alice", from: carol)
        #expect(harness.take(carol).contains(":securechat.local 311 carol alice alice 192.0.2.1 * :Alice Liddell"))
    }

    @Test(arguments: ["SETNAME :", "SETNAME :" + String(repeating: "x", count: 201)])
    func anEmptyOrLongRealNameFails(line: String) {
        let lines = HubHarness.replies(to: [line], caps: "setname")
        #expect(lines.count == 1 && lines[0].hasPrefix(":securechat.local FAIL SETNAME INVALID_REALNAME "))
    }
}
