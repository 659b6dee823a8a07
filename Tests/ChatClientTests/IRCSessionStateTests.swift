@testable import ChatClient
import Foundation
import IRC
import Testing

@Suite struct IRCSessionStateTests: IRCSessionStateTesting {
    @Test func registersWithCapabilitiesThenJoinsRooms() throws {
        var state = IRCSessionState(nick: "alice", rooms: ["#dev", "#ops"])
        #expect(sent(state.start()) == ["CAP LS 302", "NICK alice", "USER alice 0 * alice"])
        let ls = state.receive(try message(":srv CAP * LS :message-tags server-time echo-message sasl=EXTERNAL"))
        #expect(sent(ls) == ["CAP REQ :echo-message server-time message-tags"])
        #expect(sent(state.receive(try message(":srv CAP * ACK :echo-message server-time message-tags"))) == ["CAP END"])
        let welcome = state.receive(try message(":srv 001 alice :Welcome"))
        #expect(welcome.contains(.registered("alice")))
        #expect(sent(welcome) == ["JOIN #dev,#ops"])
        #expect(sent(state.receive(try message("PING :abc"))) == ["PONG abc"])
    }

    @Test func multilineCapabilityListWaitsForTheLastLine() throws {
        var state = IRCSessionState(nick: "alice", rooms: [])
        #expect(sent(state.receive(try message(":srv CAP * LS * :message-tags"))).isEmpty)
        #expect(sent(state.receive(try message(":srv CAP * LS :echo-message"))) == ["CAP REQ :echo-message message-tags"])
    }

    static let refusals: [(lines: [String], code: ChatClientError.Code, mentions: String)] = [
        ([":srv 432 * bob :bob is not bound to your certificate; your certificate may use: alice; to use bob, an administrator adds this line to the allowlist: bob sha256:ab"],
         .nickNotBound, "may use: alice"),
        ([":srv FAIL * CERT_NOT_ALLOWED :Your certificate is not in this server's allowlist",
          "ERROR :Closing link: your certificate is not in this server's allowlist. To admit it, an administrator adds this line to the allowlist: dave sha256:ab"],
         .certificateNotAllowed, "dave sha256:ab"),
        ([":srv FAIL * CERT_REVOKED :Your certificate is no longer accepted", "ERROR :Closing link: certificate revoked"],
         .certificateNotAllowed, "no longer accepts"),
        ([":srv FAIL * NICK_NOT_BOUND :Nick bob is no longer bound", "ERROR :Closing link: nick bob is no longer bound to your certificate"],
         .nickNotBound, "no longer bound"),
        (["ERROR :Server shutting down"], .disconnected, "shutting down"),
        // Without the code, words alone do not make a close final.
        (["ERROR :Closing link: certificate no longer allowed (allowlist)"], .disconnected, "allowlist"),
    ]

    @Test(arguments: refusals)
    func refusalsBecomeTypedCauses(_ item: (lines: [String], code: ChatClientError.Code, mentions: String)) throws {
        var state = IRCSessionState(nick: "bob", rooms: [])
        let actions = try feed(&state, item.lines)
        guard case .fail(let error)? = actions.first else {
            Issue.record("expected a failure, got \(actions)")
            return
        }
        #expect(error.code == item.code)
        #expect(error.reason.contains(item.mentions))
    }

    /// The server's words may change: the code decides that reconnecting would not help.
    @Test(arguments: ["ERROR :Go away", "ERROR :Verbindung beendet: Zertifikat unbekannt", "ERROR :"])
    func aRewordedRefusalStillStopsReconnecting(error line: String) throws {
        var state = IRCSessionState(nick: "bob", rooms: [])
        #expect(state.receive(try message(":srv FAIL * CERT_NOT_ALLOWED :anything at all")).isEmpty)
        guard case .fail(let error)? = state.receive(try message(line)).first else {
            Issue.record("expected a failure")
            return
        }
        #expect(error.code == .certificateNotAllowed)
        #expect(error.isFinal)
    }

    /// A refused /report is shown, and is no reason to stop reconnecting.
    @Test func aRefusedReportIsShown() throws {
        var state = IRCSessionState(nick: "bob", rooms: [])
        let actions = state.receive(try message(":srv FAIL REPORT RATE_LIMITED carol :At most 5 reports per 10 minutes"))
        guard case .event(.serverError(let code, let text))? = actions.first else {
            Issue.record("expected an error event, got \(actions)")
            return
        }
        #expect(code == "RATE_LIMITED")
        #expect(text == "carol: At most 5 reports per 10 minutes")
        guard case .fail(let error)? = state.receive(try message("ERROR :Closing link")).first else { return }
        #expect(!error.isFinal)
    }

    @Test func messagesAreTypedWithServerTimeEchoAndPrivacy() throws {
        var state = try welcomedAlice()
        let room = state.receive(try message("@time=2026-01-02T03:04:05.678Z :bob!b@h PRIVMSG #lobby :hi all"))
        let expectedTime = Date(timeIntervalSince1970: 1_767_323_045.678)
        guard case .event(.message(let roomMessage))? = room.first else {
            Issue.record("expected a message, got \(room)")
            return
        }
        #expect(roomMessage.room == "#lobby")
        #expect(roomMessage.from == "bob")
        #expect(!roomMessage.isPrivate && !roomMessage.isOwnEcho)
        #expect(abs(roomMessage.time.timeIntervalSince(expectedTime)) < 0.001)

        let whisper = state.receive(try message(":bob!b@h PRIVMSG alice :psst"))
        guard case .event(.message(let privateMessage))? = whisper.first else {
            Issue.record("expected a private message, got \(whisper)")
            return
        }
        #expect(privateMessage.isPrivate && privateMessage.from == "bob" && privateMessage.text == "psst")

        let own = state.receive(try message(":alice!a@h PRIVMSG bob :\u{1}ACTION waves\u{1}"))
        guard case .accepted(let accepted)? = own.first, case .event(.message(let echo))? = own.last, accepted == echo else {
            Issue.record("expected the echo, got \(own)")
            return
        }
        #expect(echo.isOwnEcho && echo.isAction && echo.isPrivate && echo.to == "bob" && echo.text == "waves")
    }

    @Test func unknownNickRefusesThePendingDelivery() throws {
        var state = try welcomedAlice()
        let actions = state.receive(try message(":srv 401 alice nobody :No such nick/channel"))
        #expect(actions.contains(.event(.serverError(code: "401", text: "nobody: No such nick/channel"))))
        #expect(actions.contains { if case .deliveryRefused("nobody", _) = $0 { true } else { false } })
    }

    @Test func namesAreGatheredUntilTheEnd() throws {
        var state = try welcomedAlice()
        #expect(state.receive(try message(":srv 353 alice = #lobby :@alice bob")).isEmpty)
        #expect(state.receive(try message(":srv 353 alice = #lobby :carol")).isEmpty)
        #expect(state.receive(try message(":srv 366 alice #lobby :End of /NAMES list")) == [.event(.names(room: "#lobby", nicks: ["alice", "bob", "carol"]))])
    }
}

@Suite struct EventFormatterTests {
    static let utc = EventFormatter(timeZone: TimeZone(identifier: "UTC") ?? .current)
    static let time = Date(timeIntervalSince1970: 1_767_323_045)  // 2026-01-02 03:04:05 UTC

    static let cases: [(event: ChatEvent, line: String?)] = [
        (.message(ChatMessage(time: time, room: "#lobby", from: "alice", to: "#lobby", text: "hi", isOwnEcho: false)), "03:04 #lobby <alice> hi"),
        (.message(ChatMessage(time: time, room: nil, from: "bob", to: "alice", text: "psst", isOwnEcho: false)), "03:04 [private] <bob> psst"),
        (.message(ChatMessage(time: time, room: nil, from: "alice", to: "bob", text: "psst", isOwnEcho: true)), "03:04 → bob: psst"),
        (.message(ChatMessage(time: time, room: "#lobby", from: "alice", to: "#lobby", text: "waves", isOwnEcho: false, isAction: true)), "03:04 #lobby * alice waves"),
        (.joined(room: "#lobby", nick: "alice", isSelf: false), "alice joined #lobby"),
        (.parted(room: "#lobby", nick: "bob", reason: nil, isSelf: false), "bob left #lobby"),
        (.quit(nick: "bob", reason: "Quit: bye"), "bob quit (Quit: bye)"),
        (.nickChanged(from: "bob", to: "bobby", isSelf: false), "bob is now known as bobby"),
        (.topic(room: "#lobby", text: "release", setBy: "carol"), "carol set the topic of #lobby: release"),
        (.reconnected(rooms: ["#lobby", "#dev"]), "reconnected; back in #lobby, #dev"),
        (.reconnecting(delay: .milliseconds(3900), attempt: 3,
                       cause: "cannot reach 127.0.0.1:6697: connection refused; check the address and that the server is running"),
         "cannot reach 127.0.0.1:6697: connection refused; retrying in 4 s (attempt 3)"),
        (.caughtUp(missed: 12), "12 messages you missed are above"),
        (.caughtUp(missed: 1), "1 message you missed is above"),
        (.message(ChatMessage(time: time, room: "#lobby", from: "bob", to: "#lobby", text: "earlier", isOwnEcho: false, isHistory: true)),
         "[2026-01-02 03:04] #lobby <bob> earlier"),
        (.message(ChatMessage(time: time, room: nil, from: "alice", to: "bob", text: "sent before", isOwnEcho: true, isHistory: true)),
         "[2026-01-02 03:04] → bob: sent before"),
    ]

    @Test(arguments: cases)
    func formatsForPeople(_ item: (event: ChatEvent, line: String?)) {
        #expect(Self.utc.line(for: item.event) == item.line)
    }

    @Test func jsonLineHasTheDocumentedFieldsInOrder() {
        let message = ChatMessage(time: Self.time, room: nil, from: "bob", to: "alice", text: "say \"hi\"\n✅", isOwnEcho: false)
        #expect(
            JSONLine.encode(message)
                == #"{"time":"2026-01-02T03:04:05.000Z","room":null,"from":"bob","text":"say \"hi\"\n✅","private":true}"#)
    }

    @Test func jsonLineNamesTheMsgidAndMarksHistory() {
        let live = ChatMessage(time: Self.time, room: "#ops", from: "bob", to: "#ops", text: "now", isOwnEcho: false, msgid: "0abc")
        #expect(JSONLine.encode(live) == ##"{"time":"2026-01-02T03:04:05.000Z","msgid":"0abc","room":"#ops","from":"bob","text":"now","private":false}"##)
        var replayed = live
        replayed.isHistory = true
        #expect(JSONLine.encode(replayed).hasSuffix(#""private":false,"history":true}"#))
    }

    @Test func jsonLineEscapesControlBytesAndKeepsSlashes() throws {
        let text = "\u{1}ACTION waves\u{1} at a/b\\c\r\t"
        let message = ChatMessage(time: Self.time, room: "#ops", from: "bob", to: "#ops", text: text, isOwnEcho: false)
        let line = JSONLine.encode(message)
        #expect(line.contains(#""text":"\u0001ACTION waves\u0001 at a/b\\c\r\t""#))
        // What a JSON reader makes of it is the text itself.
        let decoded = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
        #expect(decoded?["text"] as? String == text)
        #expect(decoded?["room"] as? String == "#ops")
    }
}
