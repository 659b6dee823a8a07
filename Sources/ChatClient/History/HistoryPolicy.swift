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
