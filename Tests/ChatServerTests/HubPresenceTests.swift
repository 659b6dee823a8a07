import ChatServer
import Foundation
import IRC
import Testing

/// account-tag, account-notify, away-notify, extended-join and userhost-in-names.
@Suite struct HubPresenceTests {
    @Test func accountTagGoesOnMessagesToThoseWhoAskedForIt() {
        var harness = HubHarness()
        let (alice, bob, carol) = harness.registerWithOnlyBobAsking(for: "account-tag")
        harness.send("PRIVMSG #lobby :hi", from: alice)
        harness.expect([bob], received: ["@account=alice :alice!alice@192.0.2.1 PRIVMSG #lobby hi"])
        harness.expect([carol], received: [":alice!alice@192.0.2.1 PRIVMSG #lobby hi"])
        harness.send("JOIN #ops", from: alice)
        harness.send("JOIN #ops", from: bob)
        #expect(harness.take(alice).contains("@account=bob :bob!bob@192.0.2.1 JOIN #ops") == false)
        #expect(harness.take(bob).first == "@account=bob :bob!bob@192.0.2.1 JOIN #ops")
    }

    @Test func accountTagIsTheAccountOfTheCertificateNotTheNick() {
        var harness = HubHarness()
        let bob = harness.register("bob", caps: "account-tag")
        let bot = harness.register("alice-bot", bound: ["alice", "alice-bot"])
        harness.send("PRIVMSG bob :hi", from: bot)
        #expect(harness.take(bob) == ["@account=alice :alice-bot!alice-bot@192.0.2.1 PRIVMSG bob hi"])
    }

    @Test func extendedJoinCarriesAccountAndRealName() {
        var harness = HubHarness()
        let alice = harness.register("alice", caps: "extended-join")
        let bob = harness.register("bob")
        harness.send("JOIN #ops", from: alice)
        harness.send("JOIN #ops", from: bob)
        #expect(harness.take(alice).contains(":bob!bob@192.0.2.1 JOIN #ops bob :bob Example"))
        #expect(harness.take(bob).first == ":bob!bob@192.0.2.1 JOIN #ops")
    }

    @Test func awayNotifyTellsPeersWithTheCapability() {
        var harness = HubHarness()
        let (alice, bob, carol) = harness.registerWithOnlyBobAsking(for: "away-notify")
        harness.send("AWAY :lunch", from: alice)
        harness.expect([bob], received: [":alice!alice@192.0.2.1 AWAY lunch"])
        harness.expect([carol], received: [])
        harness.send("AWAY", from: alice)
        harness.expect([bob], received: [":alice!alice@192.0.2.1 AWAY"])
    }

    @Test func awayNotifyFollowsAJoinOfAnAwayNick() {
        var harness = HubHarness()
        let alice = harness.register("alice")
        let bob = harness.register("bob", caps: "away-notify")
        harness.send("JOIN #ops", from: bob)
        harness.send("AWAY :lunch", from: alice)
        harness.clear()
        harness.send("JOIN #ops", from: alice)
        harness.expect([bob], received: [":alice!alice@192.0.2.1 JOIN #ops", ":alice!alice@192.0.2.1 AWAY lunch"])
    }

    @Test func awayNotifyWhenAnotherSessionComesBack() {
        var harness = HubHarness()
        let laptop = harness.register("alice")
        let bob = harness.register("bob", caps: "away-notify")
        harness.send("AWAY :gone", from: laptop)
        harness.clear()
        // A second session that is not away: the nick is no longer away.
        let phone = harness.connect(bound: ["alice"], host: HubMultiSessionTests.phoneHost)
        harness.send("NICK alice", "USER alice 0 * :Alice Phone", from: phone)
        #expect(harness.take(bob) == [":alice!alice@192.0.2.1 AWAY"])
    }

    @Test func accountNotifyTellsOfAnAccountChangedByAReload() {
        var harness = HubHarness()
        let (alice, bob, carol) = harness.registerWithOnlyBobAsking(for: "account-notify")
        harness.updateBindings(alice, ["ops", "alice"])
        harness.expect([bob], received: [":alice!alice@192.0.2.1 ACCOUNT ops"])
        harness.expect([carol], received: [])
        harness.updateBindings(alice, ["ops", "alice", "x"])
        harness.expect([bob], received: [])
    }

    @Test func userhostInNamesListsFullPrefixes() {
        var harness = HubHarness()
        let alice = harness.register("alice", caps: "userhost-in-names")
        let bob = harness.register("bob")
        harness.send("NAMES #lobby", from: alice, expecting: [
            ":securechat.local 353 alice = #lobby :alice!alice@192.0.2.1 bob!bob@192.0.2.1",
            ":securechat.local 366 alice #lobby :End of /NAMES list",
        ])
        harness.send("NAMES #lobby", from: bob, expecting: [
            ":securechat.local 353 bob = #lobby :alice bob",
            ":securechat.local 366 bob #lobby :End of /NAMES list",
        ])
    }

    @Test func userhostInNamesWithMultiPrefixGivesEveryPrefixBeforeTheSource() {
        var harness = HubHarness()
        let alice = harness.register("alice", caps: "userhost-in-names multi-prefix")
        let bob = harness.register("bob")
        harness.channel("#ops", members: [alice, bob])
        harness.send("MODE #ops +v alice", from: alice)
        harness.clear()
        harness.send("NAMES #ops", from: alice, expecting: [
            ":securechat.local 353 alice = #ops :@+alice!alice@192.0.2.1 bob!bob@192.0.2.1",
            ":securechat.local 366 alice #ops :End of /NAMES list",
        ])
    }
}

extension HubPresenceTests {
    @Test func replayedHistoryCarriesTheStoredAccount() throws {
        var harness = HubHarness()
        let alice = harness.register("alice")
        let bob = harness.register("bob", caps: "account-tag draft/chathistory batch")
        harness.send("PRIVMSG #lobby :kept", from: alice)
        let record = try #require(harness.records.last)
        harness.send("CHATHISTORY LATEST #lobby * 10", from: bob)
        harness.clear()
        let request = try #require(harness.historyRequests.last)
        harness.answer(request, with: .messages([record]))
        #expect(harness.take(bob).contains("@account=alice;batch=h1 :alice!alice@192.0.2.1 PRIVMSG #lobby kept"))
    }
}
