import ChatServer
@testable import HistoryStore
import IRC
import Testing

/// CHATHISTORY as the hub state handles it: what it asks the log for, and how it hands
/// the answer to the client. The log's own queries are tested in HistoryStoreTests.
@Suite struct HubHistoryQueryTests {
    static let caps = "batch draft/chathistory message-tags server-time"

    /// Registers alice with ``caps`` and sends `line` from her; returns her session and
    /// the read the hub asked the log for, which must be there.
    static func alice(
        asking line: String, in harness: inout HubHarness, sourceLocation: SourceLocation = #_sourceLocation
    ) throws -> (alice: SessionID, request: HistoryRequest) {
        let alice = harness.register("alice", caps: Self.caps)
        harness.send(line, from: alice)
        return (alice, try #require(harness.historyRequests.last, sourceLocation: sourceLocation))
    }

    @Test func chathistoryAndBatchAreOfferedAndAdvertised() {
        var harness = HubHarness()
        let session = harness.connect(bound: ["alice"])
        harness.send("CAP LS 302", from: session)
        let ls = harness.take(session).joined()
        #expect(ls.contains("batch") && ls.contains("draft/chathistory"))
        harness.send("NICK alice", from: session)
        harness.send("USER alice 0 * :A", from: session)
        harness.send("CAP END", from: session)
        let isupport = harness.take(session).filter { $0.contains(" 005 ") }.joined()
        #expect(isupport.contains("CHATHISTORY=100"))
        #expect(isupport.contains("MSGREFTYPES=msgid,timestamp"))
    }

    @Test(arguments: [
        ("CHATHISTORY LATEST #lobby * 50", HistoryQuery.latest(after: nil), 50),
        ("CHATHISTORY LATEST #lobby msgid=0000100000003 10", .latest(after: .messageID(MessageID(epoch: 1, counter: 3))), 10),
        ("CHATHISTORY BEFORE #lobby timestamp=2023-11-14T22:13:20.000Z 500", .before(.timestamp(1_700_000_000_000)), 100),
        ("CHATHISTORY AFTER #LOBBY msgid=0000100000001 5", .after(.messageID(MessageID(epoch: 1, counter: 1))), 5),
        ("CHATHISTORY AROUND #lobby msgid=0000100000001 7", .around(.messageID(MessageID(epoch: 1, counter: 1))), 7),
        ("CHATHISTORY BETWEEN #lobby msgid=0000100000001 timestamp=2023-11-14T22:13:20.000Z 9",
         .between(.messageID(MessageID(epoch: 1, counter: 1)), .timestamp(1_700_000_000_000)), 9),
    ])
    func eachSubcommandAsksTheLogForTheChannel(line: String, query: HistoryQuery, limit: Int) throws {
        var harness = HubHarness()
        let (alice, request) = try Self.alice(asking: line, in: &harness)
        #expect(request.read == .messages(.channel("#lobby"), query))
        #expect(request.limit == limit, "the limit is cut to CHATHISTORY=100")
        #expect(harness.take(alice).isEmpty)
    }

    @Test func aPrivateConversationIsTheRequestersAndTheOthers() throws {
        var harness = HubHarness()
        let (_, request) = try Self.alice(asking: "CHATHISTORY LATEST Bob * 20", in: &harness)
        #expect(request.read == .messages(.direct("alice", "bob"), .latest(after: nil)))
    }

    @Test(arguments: [
        ("CHATHISTORY FROBNICATE #lobby * 5", "FAIL CHATHISTORY UNKNOWN_COMMAND FROBNICATE"),
        ("CHATHISTORY LATEST #lobby *", "FAIL CHATHISTORY NEED_MORE_PARAMS LATEST"),
        ("CHATHISTORY LATEST #lobby * zero", "FAIL CHATHISTORY INVALID_PARAMS LATEST zero"),
        ("CHATHISTORY LATEST #lobby * 0", "FAIL CHATHISTORY INVALID_PARAMS LATEST 0"),
        ("CHATHISTORY BEFORE #lobby yesterday 5", "FAIL CHATHISTORY INVALID_PARAMS BEFORE yesterday"),
        ("CHATHISTORY LATEST #secret * 5", "FAIL CHATHISTORY INVALID_TARGET LATEST #secret"),
        ("CHATHISTORY LATEST bad,nick * 5", "FAIL CHATHISTORY INVALID_TARGET LATEST bad,nick"),
        ("CHATHISTORY TARGETS msgid=0000100000001 timestamp=2023-11-14T22:13:20.000Z 5", "FAIL CHATHISTORY INVALID_PARAMS TARGETS"),
    ])
    func badRequestsGetStandardReplies(line: String, fail: String) throws {
        var harness = HubHarness()
        let alice = harness.register("alice", caps: Self.caps)
        let bob = harness.register("bob")
        harness.send("JOIN #secret", from: bob)
        harness.send(line, from: alice)
        let reply = try #require(harness.take(alice).first)
        #expect(reply.hasPrefix(":securechat.local " + fail), "got \(reply)")
        #expect(harness.historyRequests.isEmpty)
    }

    @Test func theAnswerComesInABatchWithTheTagsTheSessionNegotiated() throws {
        var harness = HubHarness()
        let alice = harness.register("alice", caps: Self.caps)
        let bob = harness.register("bob")
        harness.send("PRIVMSG #lobby :first", from: bob)
        harness.send("@+draft/react=👍 TAGMSG #lobby", from: alice)
        let stored = harness.records
        harness.clear()
        harness.send("CHATHISTORY LATEST #lobby * 10", from: alice)
        harness.answer(try #require(harness.historyRequests.last), with: .messages(stored))
        let lines = harness.take(alice)
        #expect(lines.count == 4)
        #expect(lines.first == ":securechat.local BATCH +h1 chathistory #lobby")
        #expect(lines[1] == "@time=2023-11-14T22:13:20.000Z;msgid=\(stored[0].id);batch=h1 :bob!bob@192.0.2.1 PRIVMSG #lobby first")
        #expect(lines[2] == "@time=2023-11-14T22:13:20.000Z;+draft/react=👍;msgid=\(stored[1].id);batch=h1 :alice!alice@192.0.2.1 TAGMSG #lobby")
        #expect(lines.last == ":securechat.local BATCH -h1")
    }

    @Test func withoutTagsOrBatchTheLinesComePlain() throws {
        var harness = HubHarness()
        let alice = harness.register("alice")
        harness.send("PRIVMSG #lobby :plain", from: alice)
        let stored = harness.records
        harness.send("CHATHISTORY LATEST #lobby * 10", from: alice)
        harness.clear()
        harness.answer(try #require(harness.historyRequests.last), with: .messages(stored))
        #expect(harness.take(alice) == [":alice!alice@192.0.2.1 PRIVMSG #lobby plain"])
    }

    @Test func anUnknownMsgidGivesAnEmptyBatchAndAnUnreadableLogAFail() throws {
        var harness = HubHarness()
        let (alice, request) = try Self.alice(asking: "CHATHISTORY AFTER #lobby msgid=0000100000099 10", in: &harness)
        harness.answer(request, with: .failed(HistoryStoreError(.unknownMessageID, "no such msgid")))
        #expect(harness.take(alice) == [":securechat.local BATCH +h1 chathistory #lobby", ":securechat.local BATCH -h1"])
        harness.answer(request, with: .failed(HistoryStoreError(.readFailed, "disk gone")))
        #expect(harness.take(alice) == [":securechat.local FAIL CHATHISTORY MESSAGE_ERROR AFTER #lobby :The history could not be read"])
    }

    @Test func targetsListConversationsInATargetsBatch() throws {
        var harness = HubHarness()
        let (alice, request) = try Self.alice(asking: "CHATHISTORY TARGETS timestamp=2023-11-15T00:00:00.000Z timestamp=2023-11-14T00:00:00.000Z 50", in: &harness)
        guard case .targets(let user, let channels, let from, let to) = request.read else {
            Issue.record("expected a TARGETS read, got \(request.read)")
            return
        }
        #expect(user == "alice" && channels == ["#lobby"])
        #expect(from < to, "the two times in either order")
        harness.answer(request, with: .targets([HistoryTargetListing(target: .user(key: "bob", display: "bob"), latest: 1_700_000_000_000)]))
        #expect(harness.take(alice) == [
            ":securechat.local BATCH +h1 draft/chathistory-targets",
            "@batch=h1 :securechat.local CHATHISTORY TARGETS bob timestamp=2023-11-14T22:13:20.000Z",
            ":securechat.local BATCH -h1",
        ])
    }

    @Test func joiningReplaysRecentHistoryToClientsThatCannotAskForIt() throws {
        var configuration = HubConfiguration(created: HubHarness.epoch)
        configuration.replayOnJoin = 20
        configuration.replayMaxAge = .seconds(3600)
        var harness = HubHarness(configuration)
        let irssi = harness.register("alice", caps: "server-time")
        let modern = harness.register("bob", caps: Self.caps)
        let replays = harness.historyRequests.filter { $0.subcommand == HistoryRequest.replay }
        #expect(replays.map(\.session) == [irssi], "only the session without draft/chathistory")
        let request = try #require(replays.first)
        #expect(request.read == .messages(.channel("#lobby"), .before(.timestamp(Int64(1_700_000_000_000)))))
        #expect(request.limit == 20)
        harness.send("PRIVMSG #lobby :earlier", from: modern)
        let stored = harness.records
        harness.clear()
        harness.answer(request, with: .messages(stored))
        #expect(harness.take(irssi) == ["@time=2023-11-14T22:13:20.000Z :bob!bob@192.0.2.1 PRIVMSG #lobby earlier"])
        harness.answer(request, with: .failed(HistoryStoreError(.readFailed, "disk gone")))
        #expect(harness.take(irssi).isEmpty, "a failed replay is quiet")
        var old = try #require(stored.first)
        old = HistoryRecord(id: old.id, event: {
            var event = old.event
            event.time -= 3_600_001
            return event
        }())
        harness.answer(request, with: .messages([old]))
        #expect(harness.take(irssi).isEmpty, "older than replay_max_age")
    }

    @Test func noReplayWhenItIsOff() {
        var harness = HubHarness()
        harness.register("alice")
        #expect(harness.historyRequests.isEmpty)
    }
}
