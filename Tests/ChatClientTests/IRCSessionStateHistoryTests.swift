@testable import ChatClient
import Foundation
import IRC
import Testing

/// Fetching what was missed: CHATHISTORY requests, `chathistory` batches, history
/// marking and de-duplication, frame by frame without sockets.
@Suite struct IRCSessionStateHistoryTests: IRCSessionStateTesting {
    static let allCapabilities = "message-tags server-time echo-message batch draft/chathistory"

    /// A state registered as alice with every history capability.
    func registered(
        history: HistoryPolicy = HistoryPolicy(), memory: HistoryMemory = HistoryMemory(), caps: String = allCapabilities
    ) throws -> (IRCSessionState, [IRCSessionState.Action]) {
        var state = IRCSessionState(nick: "alice", rooms: [], history: history, memory: memory)
        _ = try feed(&state, [":srv CAP * LS :\(caps)", ":srv CAP * ACK :\(caps)"])
        let welcome = state.receive(try message(":srv 001 alice :Welcome"))
        return (state, welcome)
    }

    /// `count` lines of a chathistory batch for `target` from bob, msgids `<prefix>1`….
    func batch(_ reference: String, _ target: String, count: Int, prefix: String = "m") -> [String] {
        [":srv BATCH +\(reference) chathistory \(target)"]
            + (1...max(count, 1)).prefix(count).map { index in
                "@batch=\(reference);msgid=\(prefix)\(index);time=2026-01-02T03:04:05.000Z :bob!b@h PRIVMSG \(target) :old \(index)"
            }
            + [":srv BATCH -\(reference)"]
    }

    @Test func asksForBatchAndChathistoryWhenOffered() throws {
        var state = IRCSessionState(nick: "alice", rooms: [])
        let request = try feed(&state, [":srv CAP * LS :message-tags server-time echo-message sasl=EXTERNAL batch draft/chathistory"])
        #expect(sent(request) == ["CAP REQ :echo-message server-time message-tags batch draft/chathistory"])
    }

    @Test func firstJoinFetchesTheLatestAndMarksThemAsHistory() throws {
        var (state, welcome) = try registered()
        #expect(sent(welcome).isEmpty, "no TARGETS before anything was seen")
        let join = try feed(&state, [":alice!a@h JOIN #dev"])
        #expect(sent(join) == ["CHATHISTORY LATEST #dev * 20"])

        let answer = try feed(&state, batch("h1", "#dev", count: 2))
        let shown = messages(answer)
        #expect(shown.map(\.text) == ["old 1", "old 2"])
        #expect(shown.allSatisfy { $0.isHistory && $0.room == "#dev" && $0.msgid != nil })
        #expect(sent(answer).isEmpty, "LATEST is one page")

        let live = messages(try feed(&state, ["@msgid=m3 :bob!b@h PRIVMSG #dev :new"]))
        #expect(live.map(\.isHistory) == [false])
        #expect(live.first?.msgid == "m3")
    }

    @Test func aMessageSeenLiveIsNotShownAgainFromHistory() throws {
        var (state, _) = try registered()
        _ = try feed(&state, [":alice!a@h JOIN #dev"])
        // The live line overtakes the answer to LATEST.
        let live = try feed(&state, ["@msgid=m2 :bob!b@h PRIVMSG #dev :old 2"])
        #expect(messages(live).count == 1)
        let answer = messages(try feed(&state, batch("h1", "#dev", count: 3)))
        #expect(answer.map(\.text) == ["old 1", "old 3"])
        // And a page seen twice shows nothing the second time.
        let again = try feed(&state, batch("h2", "#dev", count: 3))
        #expect(messages(again).isEmpty)
    }

    @Test func ownEchoAfterItsHistoryStillAcknowledgesButIsShownOnce() throws {
        var (state, _) = try registered()
        let history = try feed(&state, [
            ":srv BATCH +h1 chathistory bob",
            "@batch=h1;msgid=p1 :alice!a@h PRIVMSG bob :hello",
            ":srv BATCH -h1",
        ])
        let fromHistory = try #require(messages(history).first)
        #expect(fromHistory.isHistory && fromHistory.isOwnEcho)
        #expect(!history.contains { if case .accepted = $0 { true } else { false } }, "history is no acknowledgement")

        let echo = try feed(&state, ["@msgid=p1 :alice!a@h PRIVMSG bob :hello"])
        #expect(messages(echo).isEmpty)
        #expect(echo.contains { if case .accepted(let message) = $0 { message.text == "hello" } else { false } })
    }

    @Test func aReconnectCatchesUpAfterTheLastMessageAndPrivateConversations() throws {
        var (first, _) = try registered()
        _ = try feed(&first, [
            "@time=2026-01-02T03:00:00.000Z :alice!a@h JOIN #dev", "@time=2026-01-02T03:00:00.000Z :alice!a@h JOIN #ops",
        ])
        _ = try feed(&first, batch("h1", "#dev", count: 1))
        _ = try feed(&first, [
            ":srv BATCH +h2 chathistory #ops", ":srv BATCH -h2",
            "@msgid=d9;time=2026-01-02T04:00:00.000Z :bob!b@h PRIVMSG #dev :latest",
            "@msgid=d8;time=2026-01-02T03:59:00.000Z :carol!c@h PRIVMSG #dev :late arrival, older",
            "@msgid=p5;time=2026-01-02T04:01:00.000Z :bob!b@h PRIVMSG alice :psst",
        ])

        var (second, welcome) = try registered(memory: first.history)
        #expect(sent(welcome).count == 1)
        #expect(sent(welcome).first?.hasPrefix("CHATHISTORY TARGETS timestamp=2026-01-02T04:01:00.000Z timestamp=") == true)
        // Joins wait for the answer in flight.
        let joins = try feed(&second, [":alice!a@h JOIN #dev", ":alice!a@h JOIN #ops"])
        #expect(sent(joins).isEmpty)

        let targets = try feed(&second, [
            ":srv BATCH +t1 draft/chathistory-targets",
            "@batch=t1 :srv CHATHISTORY TARGETS #dev timestamp=2026-01-02T04:05:00.000Z",
            "@batch=t1 :srv CHATHISTORY TARGETS bob timestamp=2026-01-02T04:06:00.000Z",
            "@batch=t1 :srv CHATHISTORY TARGETS dave timestamp=2026-01-02T04:07:00.000Z",
            ":srv BATCH -t1",
        ])
        // The rooms asked first, then the private conversations TARGETS named (rooms it
        // names are caught up by their JOIN).
        #expect(sent(targets) == ["CHATHISTORY AFTER #dev msgid=d9 100"])
        let afterDev = try feed(&second, [":srv BATCH +h3 chathistory #dev", ":srv BATCH -h3"])
        // #ops stayed silent: caught up from when it was joined.
        #expect(sent(afterDev) == ["CHATHISTORY AFTER #ops timestamp=2026-01-02T03:00:00.000Z 100"])
        let afterOps = try feed(&second, [":srv BATCH +h4 chathistory #ops", ":srv BATCH -h4"])
        #expect(sent(afterOps) == ["CHATHISTORY AFTER bob msgid=p5 100"])
        let afterBob = try feed(&second, [":srv BATCH +h5 chathistory bob", ":srv BATCH -h5"])
        #expect(sent(afterBob) == ["CHATHISTORY AFTER dave timestamp=2026-01-02T04:01:00.000Z 100"])
        let afterDave = try feed(&second, [":srv BATCH +h6 chathistory dave", ":srv BATCH -h6"])
        #expect(sent(afterDave).isEmpty)
    }

    @Test func aFullPageIsFollowedByTheNextUpToTheLimit() throws {
        var memory = HistoryMemory()
        memory.follow("#dev", at: Date(timeIntervalSince1970: 0))
        _ = memory.record(msgid: "start", in: "#dev", time: Date(timeIntervalSince1970: 0))
        var (state, _) = try registered(memory: memory)
        _ = try feed(&state, [
            ":srv BATCH +t chathistory-targets", ":srv BATCH -t",  // another type: no effect
            ":srv 005 alice CHATHISTORY=3 CASEMAPPING=ascii :are supported by this server",
        ])
        // TARGETS is in flight; its empty answer lets the room's request out.
        let join = try feed(&state, [":alice!a@h JOIN #dev"])
        #expect(sent(join).isEmpty)
        let targets = try feed(&state, [":srv BATCH +t1 draft/chathistory-targets", ":srv BATCH -t1"])
        #expect(sent(targets) == ["CHATHISTORY AFTER #dev msgid=start 3"])
        for page in 1..<HistoryFetch.maximumPages {
            let next = try feed(&state, batch("p\(page)", "#dev", count: 3, prefix: "p\(page)-"))
            #expect(sent(next) == ["CHATHISTORY AFTER #dev msgid=p\(page)-3 3"])
        }
        let last = try feed(&state, batch("last", "#dev", count: 3, prefix: "last-"))
        #expect(sent(last).isEmpty)
        #expect(last.contains(.event(.historyIncomplete(target: "#dev", fetched: 30))))
    }

    @Test func aShortPageEndsTheFetchAndTheNextRoomGoesOut() throws {
        var (state, _) = try registered(history: HistoryPolicy(start: .since(Date(timeIntervalSince1970: 1_767_225_600))))
        let joins = try feed(&state, [":alice!a@h JOIN #dev", ":alice!a@h JOIN #ops"])
        #expect(sent(joins) == ["CHATHISTORY AFTER #dev timestamp=2026-01-01T00:00:00.000Z 100"])
        let short = try feed(&state, batch("h1", "#dev", count: 99))
        #expect(sent(short) == ["CHATHISTORY AFTER #ops timestamp=2026-01-01T00:00:00.000Z 100"])
        let refused = try feed(&state, [":srv FAIL CHATHISTORY MESSAGE_ERROR AFTER #ops :The history could not be read"])
        #expect(refused.contains(.event(.serverError(code: "MESSAGE_ERROR", text: "history of AFTER #ops: The history could not be read"))))
        // The queue is free again: a later join is asked about at once.
        let later = try feed(&state, [":alice!a@h JOIN #qa"])
        #expect(sent(later) == ["CHATHISTORY AFTER #qa timestamp=2026-01-01T00:00:00.000Z 100"])
    }

    @Test func thePolicyChoosesWhatAFirstJoinFetchesButRejoinsAlwaysCatchUp() throws {
        var (quiet, _) = try registered(history: .catchUpOnly)
        let join = try feed(&quiet, [":alice!a@h JOIN #dev"])
        #expect(sent(join).isEmpty)
        _ = try feed(&quiet, ["@msgid=x1 :bob!b@h PRIVMSG #dev :hi", ":alice!a@h PART #dev"])
        let rejoin = try feed(&quiet, [":alice!a@h JOIN #dev"])
        #expect(sent(rejoin) == ["CHATHISTORY AFTER #dev msgid=x1 100"])

        var (named, _) = try registered(history: HistoryPolicy(start: .latest(5), rooms: ["#OPS"]))
        let lobby = try feed(&named, [":alice!a@h JOIN #lobby"])
        #expect(sent(lobby).isEmpty)
        let ops = try feed(&named, [":alice!a@h JOIN #ops"])
        #expect(sent(ops) == ["CHATHISTORY LATEST #ops * 5"])
    }

    @Test func withoutTheCapabilitiesNothingIsRequested() throws {
        var (state, _) = try registered(caps: "message-tags server-time echo-message")
        let join = try feed(&state, [":alice!a@h JOIN #dev"])
        #expect(sent(join).isEmpty)
        // Live messages are still de-duplicated by msgid.
        let twice = try feed(&state, ["@msgid=a :bob!b@h PRIVMSG #dev :x", "@msgid=a :bob!b@h PRIVMSG #dev :x"])
        #expect(messages(twice).count == 1)
    }

    @Test func theMemoryForgetsTheOldestMsgidsOfAConversation() {
        var memory = HistoryMemory()
        let time = Date(timeIntervalSince1970: 0)
        var recorded = 0
        for index in 0...HistoryMemory.recentPerConversation where memory.record(msgid: "id\(index)", in: "#Dev", time: time) {
            recorded += 1
        }
        #expect(recorded == HistoryMemory.recentPerConversation + 1)
        let newestAgain = memory.record(msgid: "id\(HistoryMemory.recentPerConversation)", in: "#dev", time: time)
        #expect(!newestAgain, "the same conversation, whatever the case")
        let oldestAgain = memory.record(msgid: "id0", in: "#dev", time: time)
        #expect(oldestAgain, "forgotten, so shown again")
        let elsewhere = memory.record(msgid: "id5", in: "bob", time: time)
        #expect(elsewhere, "each conversation has its own")
    }
}

@Suite struct HistorySinceTests {
    static let now = Date(timeIntervalSince1970: 1_767_323_045)  // 2026-01-02T03:04:05Z

    static let valid: [(text: String, seconds: Double)] = [
        ("90s", 1_767_323_045 - 90), ("30m", 1_767_323_045 - 1800), ("1h", 1_767_323_045 - 3600),
        ("2d", 1_767_323_045 - 172_800), ("1w", 1_767_323_045 - 604_800),
        ("2026-01-01T00:00:00Z", 1_767_225_600), ("2026-01-01T00:00:00.250Z", 1_767_225_600.25), ("2026-01-01", 1_767_225_600),
    ]

    @Test(arguments: valid)
    func agesAndUTCTimesAreUnderstood(_ item: (text: String, seconds: Double)) throws {
        let time = try #require(HistoryPolicy.time(since: item.text, now: Self.now))
        #expect(abs(time.timeIntervalSince1970 - item.seconds) < 0.001)
    }

    @Test(arguments: ["", "h", "1x", "1.5h", "yesterday", "2026-13-01", "2026-01-01 00:00:00Z", "2026-01-01T24:00:00Z", "2026-01-01T00:00:00"])
    func anythingElseIsRefused(_ text: String) {
        #expect(HistoryPolicy.time(since: text, now: Self.now) == nil)
    }
}
