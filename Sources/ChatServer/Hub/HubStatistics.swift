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
    public var messages: [MessageKey: Int] {
        var all = others
        let kinds = TargetKind.allCases
        for (index, count) in relayed.enumerated() where count > 0 {
            let key = MessageKey(command: Self.relayCommands[index / kinds.count], target: kinds[index % kinds.count])
            all[key, default: 0] += count
        }
        return all
    }
    /// PRIVMSG, NOTICE and TAGMSG by target kind (in ``TargetKind/allCases`` order), in
    /// plain slots: counted for every message, where a dictionary would hash the command.
    private var relayed = [Int](repeating: 0, count: relayCommands.count * TargetKind.allCases.count)
    private var others: [MessageKey: Int] = [:]
    private static let relayCommands = ["PRIVMSG", "NOTICE", "TAGMSG"]
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
        guard let slot = Self.relayCommands.firstIndex(of: message.command) else {
            self.others[MessageKey(command: known ? message.command : "unknown", target: .none), default: 0] += 1
            return
        }
        let target: TargetKind =
            switch message.params.first?.utf8.first {
            case nil: .none
            case UInt8(ascii: "#"), UInt8(ascii: "&"): .channel
            default: .user
            }
        let kinds = TargetKind.allCases
        self.relayed[slot * kinds.count + (kinds.firstIndex(of: target) ?? 0)] += 1
    }
}
