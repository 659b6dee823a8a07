import ChatServer
import HistoryStore
import IRC
import Testing

/// Every relayed message gets one msgid, the same on every copy, and is handed to the
/// history log; the sender's echo waits until the log stored it.
@Suite struct HubHistoryTests {
    @Test func aChannelMessageIsRecordedOnceWithTheMsgidEveryCopyCarries() throws {
        var harness = HubHarness()
        let alice = harness.register("alice", caps: "echo-message message-tags")
        let bob = harness.register("bob", caps: "message-tags")
        harness.send("PRIVMSG #lobby :deploy done", from: alice)
        let record = try #require(harness.records.last)
        #expect(harness.records.count == 1)
        #expect(record.event.kind == .privmsg)
        #expect(record.event.target == .channel(key: "#lobby", display: "#lobby"))
        #expect(record.event.text == "deploy done")
        #expect(record.event.source == "alice!alice@192.0.2.1")
        #expect(record.event.senderKey == "alice")
        #expect(record.event.account == "alice")
        let line = "@msgid=\(record.id) :alice!alice@192.0.2.1 PRIVMSG #lobby :deploy done"
        #expect(harness.take(bob) == [line])
        #expect(harness.take(alice) == [line], "the echo carries the same msgid")
    }

    @Test func theEchoWaitsForTheLogAndOthersDoNot() throws {
        var harness = HubHarness()
        let alice = harness.register("alice", caps: "echo-message")
        let bob = harness.register("bob")
        harness.send("PRIVMSG bob :hi", from: alice)
        let record = try #require(harness.records.last)
        #expect(record.event.target == .user(key: "bob", display: "bob"))
        let held = harness.lastOutputs.compactMap { output -> (IRCMessage, [SessionID], MessageID)? in
            if case .sendWhenStored(let message, let recipients, let id) = output { return (message, recipients, id) }
            return nil
        }
        #expect(held.count == 1)
        #expect(held.first?.1 == [alice])
        #expect(held.first?.2 == record.id)
        #expect(harness.lastSends.map(\.recipients) == [[bob]], "bob's copy does not wait")
    }

    @Test func eachTargetGetsItsOwnRecord() {
        var harness = HubHarness()
        let alice = harness.register("alice")
        harness.register("bob")
        harness.register("carol")
        harness.send("NOTICE bob,carol :lunch", from: alice)
        #expect(harness.records.map(\.event.kind) == [.notice, .notice])
        #expect(harness.records.map(\.event.target.key) == ["bob", "carol"])
        #expect(Set(harness.records.map(\.id)).count == 2)
    }

    @Test func aTagmsgIsRecordedOnlyWithClientTags() {
        var harness = HubHarness()
        let alice = harness.register("alice", caps: "message-tags")
        harness.register("bob", caps: "message-tags")
        harness.send("TAGMSG bob", from: alice)
        #expect(harness.records.isEmpty)
        harness.send("@+draft/react=👍 TAGMSG bob", from: alice)
        #expect(harness.records.map(\.event.kind) == [.tagmsg])
        #expect(harness.records.first?.event.clientTags == "+draft/react=👍")
    }

    @Test func refusedMessagesAreNotRecorded() {
        var harness = HubHarness()
        let alice = harness.register("alice")
        harness.send("PRIVMSG #nowhere :x", from: alice)
        harness.send("PRIVMSG nobody :x", from: alice)
        #expect(harness.records.isEmpty)
    }

    @Test func msgidsIncreaseInTheOrderMessagesWereSent() {
        var harness = HubHarness()
        let alice = harness.register("alice")
        for index in 0..<5 { harness.send("PRIVMSG #lobby :\(index)", from: alice) }
        let ids = harness.records.map(\.id)
        #expect(ids == ids.sorted())
        #expect(ids.map(\.description) == ids.map(\.description).sorted(), "sortable as text too")
    }
}
