import ChatServer
import Foundation
import HistoryStore
import IRC
import Testing

/// labeled-response where more than one command's answer is at stake; what a single
/// labeled command is answered is in ``HubReplyTableTests/labeledResponses``.
@Suite struct HubLabeledResponseTests {
    @Test func theEchoIsTheResponseAndOthersGetNoLabel() {
        var harness = HubHarness()
        let alice = harness.register("alice", caps: "labeled-response batch echo-message")
        let bob = harness.register("bob")
        harness.send("@label=m1 PRIVMSG #lobby :hi", from: alice)
        #expect(harness.take(alice) == ["@label=m1 :alice!alice@192.0.2.1 PRIVMSG #lobby hi"])
        #expect(harness.take(bob) == [":alice!alice@192.0.2.1 PRIVMSG #lobby hi"])
        // The echo waited for the log, and its label with it.
        let held = harness.lastOutputs.contains {
            if case .sendAllWhenStored(let lines, let to, let ids) = $0 {
                return to == [alice] && ids.count == 1 && lines.first?.tags.value(for: "label") == "m1"
            }
            return false
        }
        #expect(held)
    }

    @Test func anEchoAndAnAwayReplyShareOneBatch() {
        var harness = HubHarness()
        let alice = harness.register("alice", caps: "labeled-response batch echo-message")
        let bob = harness.register("bob")
        harness.send("AWAY :lunch", from: bob)
        harness.clear()
        harness.send("@label=m3 PRIVMSG bob :hi", from: alice, expecting: [
            "@label=m3 :securechat.local BATCH +l1 labeled-response",
            "@batch=l1 :alice!alice@192.0.2.1 PRIVMSG bob hi",
            "@batch=l1 :securechat.local 301 alice bob lunch",
            ":securechat.local BATCH -l1",
        ])
    }

    @Test func aHistoryAnswerIsLabeledWhenItComes() throws {
        var harness = HubHarness()
        let alice = harness.register("alice", caps: "labeled-response batch draft/chathistory")
        harness.send("@label=h1 CHATHISTORY LATEST #lobby * 10", from: alice, expecting: [])
        let request = try #require(harness.historyRequests.last)
        #expect(request.label == "h1")
        harness.answer(request, with: .messages([]))
        #expect(harness.take(alice) == [
            "@label=h1 :securechat.local BATCH +h1 chathistory #lobby",
            ":securechat.local BATCH -h1",
        ])
    }
}

extension HubLabeledResponseTests {
    @Test func aLabelOnTheCommandThatCompletesRegistrationLeavesTheBurstAlone() {
        var harness = HubHarness()
        let alice = harness.connect(bound: ["alice"])
        harness.send("CAP LS 302", "@label=r1 CAP REQ :labeled-response batch", "NICK alice", "USER alice 0 * :A", from: alice)
        #expect(harness.take(alice).first { $0.contains("ACK") } == "@label=r1 :securechat.local CAP * ACK :labeled-response batch")
        harness.send("@label=r2 CAP END", from: alice)
        let burst = harness.take(alice)
        #expect(burst.first == ":securechat.local 001 alice :Welcome to the SecureChat Network, alice!alice@192.0.2.1")
        #expect(!burst.contains { $0.contains("label=") })
    }
}

extension HubLabeledResponseTests {
    /// The JOIN's own lines are its response; the replay that follows is not labeled again.
    @Test func aLabeledJoinLabelsItsLinesAndNotItsReplay() throws {
        var configuration = HubConfiguration(created: HubHarness.epoch)
        configuration.replayOnJoin = 20
        var harness = HubHarness(configuration)
        let alice = harness.register("alice", caps: "labeled-response batch")
        harness.send("@label=j1 JOIN #ops", from: alice)
        let lines = harness.take(alice)
        #expect(lines.first == "@label=j1 :securechat.local BATCH +l1 labeled-response")
        #expect(lines.last == ":securechat.local BATCH -l1")
        let replay = try #require(harness.historyRequests.last)
        #expect(replay.subcommand == HistoryRequest.replay && replay.label == nil)
    }
}

extension HubLabeledResponseTests {
    /// A TAGMSG without client tags is not stored: its echo, the response, must not wait
    /// for a record that never comes.
    @Test func anEchoOfWhatIsNotStoredGoesAtOnce() {
        var harness = HubHarness()
        let alice = harness.register("alice", caps: "labeled-response batch echo-message message-tags")
        harness.send("@label=t1 TAGMSG #lobby", from: alice)
        #expect(harness.records.isEmpty)
        let immediate = harness.lastSends.contains { $0.recipients == [alice] && $0.message.tags.value(for: "label") == "t1" }
        #expect(immediate)
        #expect(harness.take(alice).count == 1)
    }
}
