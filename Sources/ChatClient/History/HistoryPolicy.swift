import Foundation

/// What a client fetches from the server's history (IRCv3 `draft/chathistory`) when it
/// joins a room for the first time in this process. Rejoining, after a reconnect or a
/// PART, always fetches what was missed since the last message seen, whatever this says.
public struct HistoryPolicy: Sendable, Hashable {
    /// What a first join fetches.
    public enum Start: Sendable, Hashable {
        /// Nothing: only what is said from now on (and what is missed later).
        case none
        /// The room's last `n` messages (the server sends at most its `CHATHISTORY` limit).
        case latest(Int)
        /// Every message since this time.
        case since(Date)
    }

    /// The room's last messages shown on a first join, unless told otherwise.
    public static let defaultLatest = 20

    public var start: Start
    /// The rooms `start` applies to (any case); nil for every room joined.
    public var rooms: [String]?
    /// At the first registration, also fetch private conversations with a message since
    /// this time (`CHATHISTORY TARGETS`); nil fetches none until a reconnect.
    public var privateSince: Date?

    public init(start: Start = .latest(HistoryPolicy.defaultLatest), rooms: [String]? = nil, privateSince: Date? = nil) {
        self.start = start
        self.rooms = rooms
        self.privateSince = privateSince
    }

    /// Fetches nothing on a first join (`securechat send`, `tail` without `--since`).
    public static let catchUpOnly = HistoryPolicy(start: .none)
}

extension HistoryPolicy {
    /// The time `text` names, for `--since`: an age (`90s`, `30m`, `1h`, `2d`, `1w`,
    /// counted back from `now`), a UTC time (`2026-01-02T03:04:05Z`, milliseconds
    /// allowed) or a UTC day (`2026-01-02`, from midnight). Nil for anything else.
    public static func time(since text: String, now: Date = Date()) -> Date? {
        let units: [Character: Double] = ["s": 1, "m": 60, "h": 3600, "d": 86_400, "w": 604_800]
        if let unit = text.last.flatMap({ units[$0] }), let count = Int(text.dropLast()), count >= 0,
            text.dropLast().allSatisfy(\.isASCII)
        {
            return now.addingTimeInterval(-Double(count) * unit)
        }
        let full = text.count == 10 ? text + "T00:00:00Z" : text
        guard full.count == 20 || (full.count == 24 && full.dropFirst(19).first == "."), Self.isWellFormed(full) else {
            return nil
        }
        return IRCSessionState.parseTime(full)
    }

    /// `YYYY-MM-DDThh:mm:ss…Z` with its separators in place and every field in range
    /// (the tag parser is lenient: the server wrote those).
    private static func isWellFormed(_ text: String) -> Bool {
        let characters = Array(text)
        guard characters[4] == "-", characters[7] == "-", characters[10] == "T", characters[13] == ":",
            characters[16] == ":", characters.last == "Z"
        else { return false }
        func field(_ start: Int, _ count: Int) -> Int? {
            let digits = characters[start..<start + count]
            guard digits.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
            return Int(String(digits))
        }
        guard let month = field(5, 2), let day = field(8, 2), let hour = field(11, 2), let minute = field(14, 2),
            let second = field(17, 2), field(0, 4) != nil
        else { return false }
        return (1...12).contains(month) && (1...31).contains(day) && hour < 24 && minute < 60 && second < 60
            && (characters.count == 20 || field(20, 3) != nil)
    }
}
