import Foundation
import IRC

/// The last nick departures (a nick's last session leaving, or a rename), for WHOWAS:
/// kept in memory only, at most ``capacity``, the oldest dropped first.
struct WhowasLog: Sendable {
    struct Entry: Sendable, Equatable {
        let nick: String
        let user: String
        let host: String
        let realname: String
        let departedAt: Date
    }

    /// Departures kept; a restart forgets them all.
    static let capacity = 1000

    private var entries: [Entry] = []
    /// Where the next entry goes once the log is full.
    private var next = 0

    init() {}

    mutating func append(_ entry: Entry) {
        if entries.count < Self.capacity {
            entries.append(entry)
        } else {
            entries[next] = entry
            next = (next + 1) % Self.capacity
        }
    }

    var count: Int { entries.count }

    /// The departures of `nick` (any case), newest first, at most `limit`.
    func entries(for nick: String, limit: Int) -> [Entry] {
        let ordered = entries[next...] + entries[..<next]
        return Array(ordered.reversed().lazy.filter { IRCCaseMapping.equals($0.nick, nick) }.prefix(limit))
    }
}
