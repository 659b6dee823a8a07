import Foundation
import IRC

/// The client side of one IRC connection as a value: each received message becomes
/// actions (lines to send, events to show, registration finished or failed). The NIO
/// handler only carries them out, so this is tested without sockets.
struct IRCSessionState {
    /// What the handler does next.
    enum Action: Hashable {
        case send(IRCMessage)
        case event(ChatEvent)
        /// Registration is complete under this nick.
        case registered(String)
        /// The connection cannot go on: close it with this cause.
        case fail(ChatClientError)
        /// A message to `target` was refused (no such nick or room, cannot send).
        case deliveryRefused(target: String, error: ChatClientError)
        /// The server echoed our own message back live: it accepted it. Given even when
        /// the message was already shown (its history can overtake the echo).
        case accepted(ChatMessage)
    }

    /// The IRCv3 capabilities the client asks for, when offered.
    static let wantedCapabilities = ["echo-message", "server-time", "message-tags", "batch", "draft/chathistory", "draft/multiline"]

    private(set) var nick: String
    private(set) var isRegistered = false
    private(set) var rooms: [String] = []
    private(set) var capabilities: Set<String> = []
    private let roomsToJoin: [String]
    private var offered: [String] = []
    /// The values of offered capabilities that have one (`draft/multiline=max-bytes=…`).
    private var offeredValues: [String: String] = [:]
    /// Our own `nick!user@host` as the server shows it to others, once seen (our JOIN).
    private(set) var ownSource: String?
    private var names: [String: [String]] = [:]
    /// The code of the last `FAIL` standard reply: why the ERROR that follows closes.
    private var failCode: IRCFailCode?

    // History (IRCSessionState+History.swift).
    /// What was seen, handed from connection to connection of one session.
    var history: HistoryMemory
    let historyPolicy: HistoryPolicy
    /// The most messages one CHATHISTORY request returns (ISUPPORT `CHATHISTORY`).
    var historyPageSize = 100
    var fetches = HistoryFetchQueue()
    var openBatches: [String: OpenBatch] = [:]
    /// Rooms (folded) whose history was fetched on this connection since we joined them.
    var fetchedRooms: Set<String> = []
    /// Messages shown from history since a reconnect's catch-up began; nil when none is under way.
    var catchUpCount: Int?

    init(nick: String, rooms: [String], history: HistoryPolicy = HistoryPolicy(), memory: HistoryMemory = HistoryMemory()) {
        self.nick = nick
        self.roomsToJoin = rooms
        self.historyPolicy = history
        self.history = memory
    }

    /// The value an offered capability came with (`CAP LS 302`), if any.
    func capabilityValue(_ name: String) -> String? { self.offeredValues[name] }

    /// The first lines, sent once the server is trusted.
    func start() -> [Action] {
        [
            .send(IRCMessage(command: "CAP", params: ["LS", "302"])),
            .send(IRCMessage(command: "NICK", params: [self.nick])),
            .send(IRCMessage(command: "USER", params: [self.nick, "0", "*", self.nick])),
        ]
    }

    /// Why the server closed the connection, from the code of the `FAIL` sent before its
    /// `ERROR`: the words of either may change, the code does not. A close without a final
    /// code is one that reconnecting may cure.
    private func closeCause(_ text: String) -> ChatClientError {
        switch self.failCode {
        case .certificateNotAllowed? where !self.isRegistered:
            ChatClientError(.certificateNotAllowed, "the server refused your certificate: \(text)")
        case .certificateNotAllowed?, .certificateRevoked?:
            // Dropped after an allowlist or CA change: the same certificate would be refused again.
            ChatClientError(
                .certificateNotAllowed,
                "the server no longer accepts your certificate: \(text); ask its administrator, or renew it with scripts/gen-certs.sh client \(self.nick)")
        case .nickNotBound?:
            ChatClientError(.nickNotBound, "the server no longer lets you use nick \(self.nick): \(text); use a nick your certificate is registered for (--nick)")
        default:
            ChatClientError(.disconnected, "the server closed the connection: \(text)")
        }
    }

    mutating func receive(_ message: IRCMessage, now: Date = Date()) -> [Action] {
        let params = message.params
        let last = params.last ?? ""
        let sourceNick = message.source.map { String($0.nick) } ?? ""
        let isSelf = IRCCaseMapping.fold(sourceNick) == IRCCaseMapping.fold(self.nick)
        self.countInBatch(message)
        if self.collectMultiline(message) { return [] }
        switch message.command {
        case "PING":
            return [.send(IRCMessage(command: "PONG", params: params))]
        case "CAP":
            return self.capability(params)
        case "FAIL" where params.first == "CHATHISTORY":
            return self.historyFailed(params)
        case "FAIL" where params.first == "REPORT" && params.count >= 3:
            // What the user asked with /report: shown, as a numeric error would be.
            return [.event(.serverError(code: params[1], text: params.dropFirst(2).joined(separator: ": ")))]
        case "FAIL":
            // FAIL <command> <code> [<context>...] :<description>
            if params.count >= 3 { self.failCode = IRCFailCode(rawValue: params[1]) }
            return []
        case "BATCH":
            return self.batch(message)
        case "ERROR":
            return [.fail(self.closeCause(last))]
        case IRCNumeric.RPL_WELCOME.code:
            self.isRegistered = true
            if let first = params.first { self.nick = first }
            var actions: [Action] = [.registered(self.nick), .event(.registered(nick: self.nick))]
            if !self.roomsToJoin.isEmpty {
                actions.append(.send(IRCMessage(command: "JOIN", params: [self.roomsToJoin.joined(separator: ",")])))
            }
            return actions + self.registeredForHistory(now: now)
        case IRCNumeric.RPL_ISUPPORT.code:
            self.readISupport(params)
            return []
        case IRCNumeric.ERR_ERRONEUSNICKNAME.code where !self.isRegistered,
            IRCNumeric.ERR_NICKNAMEINUSE.code where !self.isRegistered:
            return [
                .fail(
                    ChatClientError(
                        .nickNotBound,
                        "the server refused nick \(self.nick): \(last); use a nick your certificate is registered for (--nick)"))
            ]
        case "PRIVMSG", "NOTICE":
            guard params.count >= 2 else { return [] }
            return self.message(message, from: sourceNick, isSelf: isSelf, now: now)
        case "JOIN":
            guard let room = params.first else { return [] }
            let joined = ChatEvent.joined(room: room, nick: sourceNick, isSelf: isSelf)
            guard isSelf else { return [.event(joined)] }
            if let source = message.source, source.rawValue.contains("@") { self.ownSource = source.rawValue }
            if !self.rooms.contains(room) { self.rooms.append(room) }
            let time = message.tags.value(for: "time").flatMap(Self.parseTime) ?? now
            return [.event(joined)] + self.joinedRoom(room, at: time)
        case "PART":
            guard let room = params.first else { return [] }
            if isSelf {
                self.rooms.removeAll { $0 == room }
                self.leftRoom(room)
            }
            return [.event(.parted(room: room, nick: sourceNick, reason: params.count > 1 ? last : nil, isSelf: isSelf))]
        case "KICK":
            guard params.count >= 2 else { return [] }
            let kickedSelf = IRCCaseMapping.fold(params[1]) == IRCCaseMapping.fold(self.nick)
            if kickedSelf {
                self.rooms.removeAll { $0 == params[0] }
                self.leftRoom(params[0])
            }
            return [
                .event(
                    .kicked(
                        room: params[0], nick: params[1], by: sourceNick, reason: params.count > 2 ? last : nil,
                        isSelf: kickedSelf))
            ]
        case "QUIT":
            return [.event(.quit(nick: sourceNick, reason: params.first))]
        case "NICK":
            guard let new = params.first else { return [] }
            if isSelf { self.nick = new }
            return [.event(.nickChanged(from: sourceNick, to: new, isSelf: isSelf))]
        case "TOPIC":
            guard params.count >= 2 else { return [] }
            return [.event(.topic(room: params[0], text: last.isEmpty ? nil : last, setBy: sourceNick))]
        case IRCNumeric.RPL_TOPIC.code where params.count >= 3:
            return [.event(.topic(room: params[1], text: last, setBy: nil))]
        case IRCNumeric.RPL_NOTOPIC.code where params.count >= 2:
            return [.event(.topic(room: params[1], text: nil, setBy: nil))]
        case IRCNumeric.RPL_NAMREPLY.code where params.count >= 4:
            let nicks = last.split(separator: " ").map { String($0.drop { "@+%~&".contains($0) }) }
            self.names[params[2], default: []].append(contentsOf: nicks)
            return []
        case IRCNumeric.RPL_ENDOFNAMES.code where params.count >= 2:
            let nicks = self.names.removeValue(forKey: params[1]) ?? []
            return [.event(.names(room: params[1], nicks: nicks))]
        case IRCNumeric.RPL_WHOREPLY.code where params.count >= 7:
            return [.event(.info("\(params[5]) (\(params[2])@\(params[3])) in \(params[1])"))]
        case IRCNumeric.RPL_MOTD.code:
            return [.event(.info(last))]
        default:
            return self.numeric(message)
        }
    }

    private mutating func capability(_ params: [String]) -> [Action] {
        guard params.count >= 3 else { return [] }
        switch params[1] {
        case "LS":
            for item in params.last?.split(separator: " ") ?? [] {
                let name = String(item.prefix { $0 != "=" })
                self.offered.append(name)
                if name.count < item.count { self.offeredValues[name] = String(item.dropFirst(name.count + 1)) }
            }
            if params.count >= 4, params[2] == "*" { return [] }  // more LS lines follow
            let wanted = Self.wantedCapabilities.filter(self.offered.contains)
            guard !wanted.isEmpty else { return [.send(IRCMessage(command: "CAP", params: ["END"]))] }
            return [.send(IRCMessage(command: "CAP", params: ["REQ", wanted.joined(separator: " ")]))]
        case "ACK":
            self.capabilities.formUnion(params.last?.split(separator: " ").map(String.init) ?? [])
            return [.send(IRCMessage(command: "CAP", params: ["END"]))]
        case "NAK":
            return [.send(IRCMessage(command: "CAP", params: ["END"]))]
        default:
            return []
        }
    }

    /// A PRIVMSG or NOTICE: an event, unless its msgid was seen in its conversation.
    /// Notices replayed from history are not shown: a notice out of its time misleads.
    mutating func message(_ message: IRCMessage, from sourceNick: String, isSelf: Bool, now: Date) -> [Action] {
        let target = message.params[0]
        var text = message.params[1]
        let isServer = message.source.map { !$0.rawValue.contains("!") && !$0.rawValue.contains("@") } ?? true
        if message.command == "NOTICE", isServer || !self.isRegistered {
            return [.event(.notice(from: sourceNick, text: text))]
        }
        let isHistory = self.historyBatch(of: message) != nil
        var isAction = false
        if text.hasPrefix("\u{1}ACTION ") {
            isAction = true
            text = String(text.dropFirst("\u{1}ACTION ".count))
            if text.hasSuffix("\u{1}") { text.removeLast() }
        }
        let time = message.tags.value(for: "time").flatMap(Self.parseTime) ?? now
        let room: String? = target.hasPrefix("#") ? target : nil
        let msgid = message.tags.value(for: "msgid")
        let chat = ChatMessage(
            time: time, room: room, from: sourceNick, to: target, text: text, isOwnEcho: isSelf, isAction: isAction,
            msgid: msgid, isHistory: isHistory)
        var actions: [Action] = []
        if isSelf, !isHistory, message.command == "PRIVMSG" { actions.append(.accepted(chat)) }
        if let msgid, !self.history.record(msgid: msgid, in: chat.conversation, time: time) { return actions }
        if message.command == "NOTICE" {
            if !isHistory { actions.append(.event(.notice(from: sourceNick, text: text))) }
            return actions
        }
        actions.append(.event(.message(chat)))
        if isHistory, let count = self.catchUpCount { self.catchUpCount = count + 1 }
        return actions
    }

    private func numeric(_ message: IRCMessage) -> [Action] {
        guard message.command.count == 3, let code = Int(message.command), (400..<600).contains(code),
            message.command != IRCNumeric.ERR_NOMOTD.code
        else { return [] }
        let params = Array(message.params.dropFirst())
        let text = params.joined(separator: ": ")
        var actions: [Action] = [.event(.serverError(code: message.command, text: text))]
        if let subject = params.first, params.count >= 2 {
            switch message.command {
            case IRCNumeric.ERR_NOSUCHNICK.code, IRCNumeric.ERR_NOSUCHCHANNEL.code:
                actions.append(
                    .deliveryRefused(
                        target: subject,
                        error: ChatClientError(.noSuchTarget, "the server has no \(subject): \(params.last ?? "") (\(message.command))")))
            case IRCNumeric.ERR_CANNOTSENDTOCHAN.code, IRCNumeric.ERR_NOTONCHANNEL.code:
                actions.append(
                    .deliveryRefused(
                        target: subject,
                        error: ChatClientError(.refused, "cannot send to \(subject): \(params.last ?? "") (\(message.command))")))
            default:
                break
            }
        }
        return actions
    }

    /// Parses `YYYY-MM-DDThh:mm:ss[.sss]Z` (the server-time tag).
    static func parseTime(_ text: String) -> Date? {
        let bytes = Array(text.utf8)
        guard bytes.count >= 20, bytes.last == UInt8(ascii: "Z") else { return nil }
        func number(_ range: Range<Int>) -> Int? {
            var value = 0
            for byte in bytes[range] {
                guard (48...57).contains(byte) else { return nil }
                value = value * 10 + Int(byte - 48)
            }
            return value
        }
        guard let year = number(0..<4), let month = number(5..<7), let day = number(8..<10),
            let hour = number(11..<13), let minute = number(14..<16), let second = number(17..<19)
        else { return nil }
        var milliseconds = 0
        if bytes.count >= 24, bytes[19] == UInt8(ascii: "."), let fraction = number(20..<23) { milliseconds = fraction }
        // Howard Hinnant's days_from_civil.
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        let days = era * 146_097 + dayOfEra - 719_468
        let seconds = Double(days * 86_400 + hour * 3600 + minute * 60 + second) + Double(milliseconds) / 1000
        return Date(timeIntervalSince1970: seconds)
    }
}
