import ChatServer
import Foundation
import IRC
import Testing

@Suite struct HubMessagingTests {
    @Test func lobbyMessageReachesEveryMemberButTheSenderAndNoOneElse() {
        var harness = HubHarness()
        let (alice, bob, carol) = harness.register("alice", "bob", "carol")
        harness.send("PART #lobby", from: carol)
        let dave = harness.connect(bound: ["dave"])
        harness.clear()
        harness.send("PRIVMSG #lobby :hello, world", from: alice)
        harness.expect([bob], received: [":alice!alice@192.0.2.1 PRIVMSG #lobby :hello, world"])
        harness.expect([alice, carol, dave], received: [])
    }

    @Test func channelMessageDoesNotLeakToOtherChannels() {
        var harness = HubHarness()
        let (alice, bob, carol) = harness.register("alice", "bob", "carol")
        harness.channel("#secret", members: [alice, bob])
        harness.send("PRIVMSG #secret :just us", from: alice)
        #expect(harness.take(bob) == [":alice!alice@192.0.2.1 PRIVMSG #secret :just us"])
        #expect(harness.take(carol).isEmpty)
    }

    @Test func privateMessageReachesOnlyItsTarget() {
        var harness = HubHarness()
        let (alice, bob, carol) = harness.register("alice", "bob", "carol")
        harness.send("PRIVMSG BOB :psst", "NOTICE bob :fyi", from: alice)
        harness.expect([bob], received: [":alice!alice@192.0.2.1 PRIVMSG bob psst", ":alice!alice@192.0.2.1 NOTICE bob fyi"])
        harness.expect([alice, carol], received: [])
    }

    @Test func echoMessageReturnsTheSendersOwnCopy() {
        var harness = HubHarness()
        let alice = harness.register("alice", caps: "echo-message")
        let bob = harness.register("bob")
        harness.send("PRIVMSG #lobby :hi all", "PRIVMSG bob :hi bob", from: alice)
        harness.expect(
            [alice, bob],
            received: [":alice!alice@192.0.2.1 PRIVMSG #lobby :hi all", ":alice!alice@192.0.2.1 PRIVMSG bob :hi bob"]
        )
        harness.send("PRIVMSG alice :note to self", from: alice, expecting: [
            ":alice!alice@192.0.2.1 PRIVMSG alice :note to self",
        ])
    }

    @Test func serverTimeTagGoesOnlyToThoseWhoAskedForIt() {
        var harness = HubHarness()
        let (alice, bob, carol) = harness.registerWithOnlyBobAsking(for: "server-time")
        harness.now = HubHarness.epoch.addingTimeInterval(0.25)
        harness.send("PRIVMSG #lobby :tick", from: alice)
        harness.expect([bob], received: ["@time=2023-11-14T22:13:20.250Z :alice!alice@192.0.2.1 PRIVMSG #lobby tick"])
        harness.expect([carol], received: [":alice!alice@192.0.2.1 PRIVMSG #lobby tick"])
        harness.send("JOIN #rust", from: carol)
        harness.clear()
        harness.send("JOIN #rust", from: bob)
        #expect(harness.take(carol) == [":bob!bob@192.0.2.1 JOIN #rust"])
        #expect(harness.take(bob).first == "@time=2023-11-14T22:13:20.250Z :bob!bob@192.0.2.1 JOIN #rust")
    }

    @Test func clientOnlyTagsReachOnlyMessageTagsRecipients() {
        var harness = HubHarness()
        let alice = harness.register("alice", caps: "message-tags")
        let bob = harness.register("bob", caps: "message-tags server-time")
        let carol = harness.register("carol", caps: "message-tags")
        let dave = harness.register("dave")
        harness.send("@+draft/react=👍;+reply=42;label=x PRIVMSG #lobby :nice", from: alice)
        #expect(harness.take(bob) == [
            "@time=2023-11-14T22:13:20.000Z;+draft/react=👍;+reply=42;msgid=0000100000000 :alice!alice@192.0.2.1 PRIVMSG #lobby nice"
        ])
        #expect(harness.take(carol) == ["@+draft/react=👍;+reply=42;msgid=0000100000000 :alice!alice@192.0.2.1 PRIVMSG #lobby nice"])
        #expect(harness.take(dave) == [":alice!alice@192.0.2.1 PRIVMSG #lobby nice"])
        #expect(harness.take(alice).isEmpty)

        harness.send("@+typing=active TAGMSG #lobby", from: alice)
        #expect(harness.take(carol) == ["@+typing=active;msgid=0000100000001 :alice!alice@192.0.2.1 TAGMSG #lobby"])
        #expect(harness.take(dave).isEmpty, "TAGMSG reaches message-tags recipients only")
    }

    @Test func clientTagsFromASenderWithoutMessageTagsAreDropped() {
        var harness = HubHarness()
        let alice = harness.register("alice")
        let bob = harness.register("bob", caps: "message-tags")
        harness.send("@+reply=1 PRIVMSG bob :hi", from: alice)
        #expect(harness.take(bob) == ["@msgid=0000100000000 :alice!alice@192.0.2.1 PRIVMSG bob hi"])
    }

    @Test func fanOutCostsOneMessagePerRendering() {
        var harness = HubHarness()
        let sender = harness.register("sender", caps: "message-tags")
        var members: [SessionID] = []
        for index in 0..<40 {
            let caps = ["", "server-time", "message-tags", "server-time message-tags"][index % 4]
            members.append(harness.register("m\(index)", caps: caps.isEmpty ? nil : caps))
        }
        harness.send("@+reply=7 PRIVMSG #lobby :to everyone", from: sender)
        let sends = harness.lastSends
        #expect(sends.count == 4)
        #expect(sends.map(\.recipients.count).reduce(0, +) == 40)
        #expect(Set(sends.flatMap(\.recipients)) == Set(members))

        harness.send("PRIVMSG #lobby :untagged", from: sender)
        #expect(harness.lastSends.count == 4, "the msgid splits message-tags recipients off, like client tags")
    }

    @Test(arguments: [
        ("PRIVMSG", ":securechat.local 411 alice :No recipient given (PRIVMSG)"),
        ("PRIVMSG #lobby", ":securechat.local 412 alice :No text to send"),
        ("PRIVMSG #lobby :", ":securechat.local 412 alice :No text to send"),
        ("PRIVMSG nobody :hi", ":securechat.local 401 alice nobody :No such nick/channel"),
        ("PRIVMSG #nowhere :hi", ":securechat.local 401 alice #nowhere :No such nick/channel"),
        ("PRIVMSG #rust :hi", ":securechat.local 404 alice #rust :Cannot send to channel"),
        ("PRIVMSG a,b,c,d,e :hi", ":securechat.local 407 alice e :Too many targets; at most 4 are allowed"),
        ("TAGMSG", ":securechat.local 411 alice :No recipient given (TAGMSG)"),
    ])
    func messageErrors(line: String, reply: String) {
        #expect(HubHarness.repliesOutsideAChannel(to: line) == [reply])
    }

    @Test(arguments: ["NOTICE", "NOTICE #lobby", "NOTICE nobody :hi", "NOTICE #nowhere :hi", "NOTICE #rust :hi", "NOTICE a,b,c,d,e :hi"])
    func noticeNeverAnswersWithErrors(line: String) {
        #expect(HubHarness.repliesOutsideAChannel(to: line).isEmpty)
    }

    @Test func severalTargetsEachGetTheirCopyAndErrorsAreAnsweredPerTarget() {
        var harness = HubHarness()
        let (alice, bob, carol) = harness.register("alice", "bob", "carol")
        harness.send("PRIVMSG bob,carol,nobody,BOB :hi", from: alice)
        #expect(harness.take(bob) == [":alice!alice@192.0.2.1 PRIVMSG bob hi"])
        #expect(harness.take(carol) == [":alice!alice@192.0.2.1 PRIVMSG carol hi"])
        #expect(harness.take(alice) == [":securechat.local 401 alice nobody :No such nick/channel"])
    }

    @Test func awayIsReportedToPrivateMessageSenders() {
        var harness = HubHarness()
        let (alice, bob) = harness.register("alice", "bob")
        harness.send("AWAY :at lunch", from: bob, expecting: [
            ":securechat.local 306 bob :You have been marked as being away",
        ])
        harness.send("PRIVMSG bob :you there?", "NOTICE bob :no reply expected", from: alice, expecting: [
            ":securechat.local 301 alice bob :at lunch",
        ])
        harness.send("AWAY", from: bob)
        #expect(harness.take(bob).last == ":securechat.local 305 bob :You are no longer marked as being away")
        harness.send("PRIVMSG bob :back?", from: alice, expecting: [])
    }
}
