import ChatServer
import HistoryStore
import IRC
import Testing

/// A private message to an allowlisted nick that is offline is kept and delivered when
/// the nick next logs in, to the session that logs in, once.
@Suite struct HubOfflineTests {
    static func harness() -> HubHarness {
        var harness = HubHarness()
        harness.hub.setKnownNicks(["alice", "Bob", "carol"])
        return harness
    }

    @Test func aMessageToAnOfflineNickIsKeptAndTheSenderIsTold() throws {
        var harness = Self.harness()
        let alice = harness.register("alice", caps: "echo-message")
        harness.send("PRIVMSG bob :see you tomorrow", from: alice)
        let record = try #require(harness.records.last)
        #expect(record.event.target == .user(key: "bob", display: "bob"))
        guard case .record(_, let hold)? = harness.lastOutputs.first(where: {
            if case .record = $0 { return true } else { return false }
        }) else {
            Issue.record("no record output")
            return
        }
        #expect(hold, "kept for the recipient")
        let lines = harness.take(alice)
        #expect(lines.contains(":alice!alice@192.0.2.1 PRIVMSG bob :see you tomorrow"), "the echo, once stored")
        #expect(lines.contains(":securechat.local 301 alice bob :bob is offline; your message will be delivered when they log in"))
    }

    @Test func aStrangerStillGets401AndATagmsgIsNotKept() {
        var harness = Self.harness()
        let alice = harness.register("alice")
        harness.send("PRIVMSG mallory :hi", from: alice)
        #expect(harness.take(alice) == [":securechat.local 401 alice mallory :No such nick/channel"])
        harness.send("@+typing=active TAGMSG bob", from: alice)
        #expect(harness.records.isEmpty)
    }

    @Test func theNickComingOnlineAsksForWhatWasKeptAndGetsItOnce() throws {
        var harness = Self.harness()
        let alice = harness.register("alice")
        harness.send("PRIVMSG bob :one", from: alice)
        harness.send("NOTICE bob :two", from: alice)
        let kept = harness.records
        let bob = harness.register("bob", caps: "server-time")
        let request = try #require(harness.historyRequests.last)
        #expect(request.session == bob)
        #expect(request.read == .offline(recipient: "bob"))
        harness.answer(request, with: .messages(kept))
        #expect(harness.take(bob) == [
            "@time=2023-11-14T22:13:20.000Z :alice!alice@192.0.2.1 PRIVMSG bob one",
            "@time=2023-11-14T22:13:20.000Z :alice!alice@192.0.2.1 NOTICE bob two",
        ])
        // A second session of an online nick does not ask again.
        let requests = harness.historyRequests.count
        harness.register("bob")
        #expect(harness.historyRequests.count == requests)
    }
}
