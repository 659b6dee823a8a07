import IRC

/// What the hub state counts for the metrics: plain integers, one increment per line at
/// most, read when the metrics are scraped. Labels come from closed sets: a command the
/// command table does not know counts as `unknown`.
public struct HubStatistics: Sendable, Equatable {
    /// Why a line was refused without reaching a command.
    public enum RefusedLine: String, CaseIterable, Sendable {
        case tooLong = "too_long"
        case invalidUTF8 = "invalid_utf8"
        case malformed
    }

    /// The kind of a message's target: the first parameter of PRIVMSG, NOTICE and TAGMSG.
    public enum TargetKind: String, CaseIterable, Sendable {
        case channel
        case user
        case none
    }

    /// Lines that parsed, by command and target kind.
    public private(set) var messages: [MessageKey: Int] = [:]
    /// Lines refused before any command saw them, by reason.
    public private(set) var refusedLines: [RefusedLine: Int] = [:]

    public struct MessageKey: Hashable, Sendable {
        public let command: String
        public let target: TargetKind
    }

    public init() {}

    mutating func refused(_ reason: RefusedLine) {
        self.refusedLines[reason, default: 0] += 1
    }

    mutating func received(_ message: IRCMessage, known: Bool) {
        let target: TargetKind
        switch message.command {
        case "PRIVMSG", "NOTICE", "TAGMSG":
            guard let first = message.params.first?.utf8.first else {
                target = .none
                break
            }
            target = first == UInt8(ascii: "#") || first == UInt8(ascii: "&") ? .channel : .user
        default:
            target = .none
        }
        self.messages[MessageKey(command: known ? message.command : "unknown", target: target), default: 0] += 1
    }
}
