@testable import ChatClient
import IRC
import Testing

/// Long and multi-line text on the wire: cut between words, never losing a character, or
/// batched as `draft/multiline` where the server offers it.
@Suite struct OutgoingPlannerTests: IRCSessionStateTesting {
    static let cuts: [(line: String, budget: Int, pieces: [String])] = [
        ("short", 10, ["short"]),
        ("", 10, []),
        ("alpha beta gamma", 11, ["alpha beta ", "gamma"]),
        ("alpha beta gamma", 6, ["alpha ", "beta ", "gamma"]),
        ("abcdefghij", 4, ["abcd", "efgh", "ij"]),
        // UTF-8: é is 2 bytes, 日 3, 👩‍💻 11; none is cut in two.
        ("ééééé", 5, ["éé", "éé", "é"]),
        ("日本語 テキスト", 10, ["日本語 ", "テキス", "ト"]),
        ("a 👩‍💻 b", 12, ["a ", "👩‍💻 ", "b"]),
        ("ab  cd", 4, ["ab  ", "cd"]),
    ]

    @Test(arguments: cuts)
    func linesAreCutAtWordBoundariesLosingNothing(_ item: (line: String, budget: Int, pieces: [String])) {
        let pieces = MessageSplitter.pieces(of: item.line, budget: item.budget)
        #expect(pieces == item.pieces)
        #expect(pieces.joined() == item.line)
        #expect(pieces.allSatisfy { $0.utf8.count <= item.budget })
    }

    @Test func aGraphemeLargerThanTheBudgetIsCutBetweenItsScalars() {
        let family = "👨‍👩‍👧‍👦"  // 25 bytes, one grapheme cluster
        let pieces = MessageSplitter.pieces(of: family, budget: 8)
        #expect(pieces.joined() == family)
        #expect(pieces.allSatisfy { $0.utf8.count <= 8 })
    }

    @Test func theBudgetCountsTheSourceTheServerPrefixesAndTheCommand() {
        let source = "alice!alice@127.0.0.1"
        let budget = OutgoingPlanner.budget(source: source, target: "#lobby", action: false)
        #expect(budget == 510 - ":\(source) PRIVMSG #lobby :".utf8.count)
        #expect(OutgoingPlanner.budget(source: source, target: "#lobby", action: true) == budget - 9)
    }

    @Test func withoutMultilineALongLineBecomesSeveralMessagesThatFitTheRelayedLine() throws {
        var planner = OutgoingPlanner()
        let source = "alice!alice@127.0.0.1"
        let words = (1...300).map { "word\($0)" }.joined(separator: " ")
        let units = planner.plan(words + "\nsecond line\n\n", to: "#lobby", source: source, multiline: nil)
        #expect(units.count > 2)
        #expect(units.allSatisfy { !$0.isBatch && $0.lines.count == 1 })
        #expect(units.dropLast().map(\.echoText).joined() == words)
        #expect(units.last?.echoText == "second line")
        for unit in units {
            let relayed = IRCMessage(source: IRCSource(source), command: "PRIVMSG", params: unit.lines[0].params)
            #expect(relayed.serialized.utf8.count <= 510)
        }
        let report = SendReport(units, text: words + "\nsecond line")
        #expect(report.notice?.contains("sent as \(units.count) messages") == true)
    }

    @Test func anActionIsCutAndEachPieceStaysAnAction() {
        var planner = OutgoingPlanner()
        let text = String(repeating: "waves ", count: 120)
        let units = planner.plan(text, to: "#lobby", action: true, source: "a!a@h", multiline: MultilineLimits(maxBytes: 4096, maxLines: 100))
        #expect(units.count == 2)
        #expect(units.allSatisfy { $0.echoText.hasPrefix("\u{1}ACTION ") && $0.echoText.hasSuffix("\u{1}") && !$0.isBatch })
    }

    @Test func withMultilineTextGoesAsOneBatchWithConcatenatedPieces() throws {
        var planner = OutgoingPlanner()
        let long = (1...200).map { "w\($0)" }.joined(separator: " ")
        let text = "first\n\n" + long
        let units = planner.plan(text, to: "#ops", source: "a!a@h", multiline: MultilineLimits(maxBytes: 4096, maxLines: 100))
        let unit = try #require(units.first)
        #expect(units.count == 1)
        #expect(unit.isBatch)
        #expect(unit.echoText == text)
        let lines = unit.lines.map(\.serialized)
        #expect(lines.first == "BATCH +ml1 draft/multiline #ops")
        #expect(lines.last == "BATCH -ml1")
        #expect(lines[1] == "@batch=ml1 PRIVMSG #ops first")
        #expect(lines[2] == "@batch=ml1 PRIVMSG #ops :")
        #expect(lines[3].hasPrefix("@batch=ml1 PRIVMSG #ops :w1 w2 "))
        #expect(lines[4].hasPrefix("@batch=ml1;draft/multiline-concat PRIVMSG #ops :"))
    }

    @Test func aBatchRespectsMaxLinesAndMaxBytesAndGoesOnInTheNext() {
        var planner = OutgoingPlanner()
        let text = (1...7).map { "line \($0)" }.joined(separator: "\n")
        let byLines = planner.plan(text, to: "#ops", source: "a!a@h", multiline: MultilineLimits(maxBytes: 4096, maxLines: 3))
        #expect(byLines.map(\.echoText) == ["line 1\nline 2\nline 3", "line 4\nline 5\nline 6", "line 7"])
        #expect(byLines.map { $0.lines.first?.params.first } == ["+ml1", "+ml2", "+ml3"])
        let byBytes = planner.plan(text, to: "#ops", source: "a!a@h", multiline: MultilineLimits(maxBytes: 19, maxLines: 100))
        #expect(byBytes.map(\.echoText) == ["line 1\nline 2", "line 3\nline 4", "line 5\nline 6", "line 7"])
        #expect(byBytes.allSatisfy { $0.echoText.utf8.count <= 19 })
        #expect(SendReport(byBytes, text: text).notice == "(too long for one message: sent as 4 messages)")
    }

    @Test func oneShortLineIsAPlainMessageEvenWithMultiline() {
        var planner = OutgoingPlanner()
        let units = planner.plan("hello", to: "bob", source: "a!a@h", multiline: MultilineLimits(maxBytes: 4096, maxLines: 100))
        #expect(units.map { $0.lines.map(\.serialized) } == [["PRIVMSG bob hello"]])
        #expect(SendReport(units, text: "hello").notice == nil)
    }

    @Test(arguments: [
        ("max-bytes=4096,max-lines=100", MultilineLimits(maxBytes: 4096, maxLines: 100)),
        ("max-bytes=4096", MultilineLimits(maxBytes: 4096, maxLines: Int.max)),
        ("max-lines=100", nil),
        ("max-bytes=zero", nil),
    ])
    func multilineLimitsAreReadFromTheCapability(_ item: (String, MultilineLimits?)) {
        #expect(MultilineLimits(capabilityValue: item.0) == item.1)
    }

    @Test func theSessionAsksForMultilineAndKnowsItsLimitsAndOwnSource() throws {
        var state = IRCSessionState(nick: "alice", rooms: [])
        let ls = state.receive(try message(":srv CAP * LS :batch echo-message draft/multiline=max-bytes=4096,max-lines=100"))
        #expect(sent(ls) == ["CAP REQ :echo-message batch draft/multiline"])
        _ = state.receive(try message(":srv CAP * ACK :echo-message batch draft/multiline"))
        #expect(state.multilineLimits == MultilineLimits(maxBytes: 4096, maxLines: 100))
        #expect(state.sourceForBudget.hasPrefix("alice!alice@"))
        _ = state.receive(try message(":srv 001 alice :Welcome"))
        _ = state.receive(try message(":alice!alice@10.0.0.7 JOIN #lobby"))
        #expect(state.sourceForBudget == "alice!alice@10.0.0.7")
    }

    @Test func aReceivedMultilineBatchIsOneMessageAndItsEchoAcknowledges() throws {
        var state = try welcomedAlice()
        let actions = try feed(&state, [
            "@msgid=m1;time=2026-01-02T03:04:05.000Z :alice!alice@h BATCH +x draft/multiline #ops",
            "@batch=x :alice!alice@h PRIVMSG #ops :first half ",
            "@batch=x;draft/multiline-concat :alice!alice@h PRIVMSG #ops :second half",
            "@batch=x :alice!alice@h PRIVMSG #ops :",
            "@batch=x :alice!alice@h PRIVMSG #ops :last",
            ":alice!alice@h BATCH -x",
        ])
        let shown = messages(actions)
        #expect(shown.map(\.text) == ["first half second half\n\nlast"])
        #expect(shown.first?.msgid == "m1")
        #expect(shown.first?.room == "#ops")
        #expect(actions.contains { if case .accepted(let chat) = $0 { return chat.text == shown.first?.text }; return false })
    }

    @Test func aMultilineMessageInsideHistoryIsOneHistoryMessage() throws {
        var state = try welcomedAlice()
        let actions = try feed(&state, [
            ":srv BATCH +h chathistory #ops",
            "@batch=h;msgid=m7;time=2026-01-02T03:04:05.000Z :bob!bob@h BATCH +x draft/multiline #ops",
            "@batch=x :bob!bob@h PRIVMSG #ops :one",
            "@batch=x :bob!bob@h PRIVMSG #ops :two",
            ":srv BATCH -x",
        ])
        let shown = messages(actions)
        #expect(shown.map(\.text) == ["one\ntwo"])
        #expect(shown.first?.isHistory == true)
        #expect(state.openBatches["h"]?.count == 1)
        #expect(state.openBatches["h"]?.lastMessageID == "m7")
    }
}
