import GRDB

/// One line of a CHATHISTORY TARGETS reply: a buffer with history in the window, and
/// the time of its latest message there.
public struct HistoryTargetListing: Hashable, Sendable {
    /// The channel, or the other user of a private conversation.
    public let target: HistoryTarget
    /// The latest message's server time in the window, in milliseconds.
    public let latest: Int64
}

extension HistoryStore {
    /// CHATHISTORY TARGETS: the channels in `channels` and the users `userKey`
    /// exchanged private messages with, that have messages strictly between the two
    /// times, each with its latest message time in that window. Ordered by that time,
    /// oldest first.
    ///
    /// Like BETWEEN, the page is counted from `first`: when `first` is the earlier
    /// time you get the targets with the oldest latest-message times, when it is the
    /// later one the newest.
    ///
    /// - Parameters:
    ///   - userKey: the requesting user's folded nick; only their own conversations count.
    ///   - channels: the folded names of the channels whose history the user may see
    ///     (the hub decides: usually the channels they are in).
    ///   - limit: cut to ``HistoryLimit/maximum``; zero or less gives nothing.
    /// - Returns: channels with their stored display name; users with the nick as last
    ///   written in the window.
    /// - Throws: ``HistoryStoreError`` `readFailed`.
    public func targets(
        for userKey: String,
        channels: [String],
        between first: Int64,
        and second: Int64,
        limit: Int
    ) async throws -> [HistoryTargetListing] {
        let limit = HistoryLimit.clamp(limit)
        guard limit > 0, first != second else { return [] }
        let (low, high) = (min(first, second), max(first, second))
        let newestFirst = first > second
        let channels = Array(Set(channels))
        return try await self.read { db in
            var listings = try Self.directTargets(db, for: userKey, after: low, before: high)
            if !channels.isEmpty {
                // A channel's conversation is its folded name: `event_by_conversation`.
                // With one MAX() aggregate, SQLite takes the bare column `target` from the
                // row that holds the maximum: the name as most recently written.
                let rows = try Row.fetchAll(
                    db,
                    sql: """
                        SELECT conversation, target, MAX(time) AS latest FROM event
                        WHERE conversation IN (\(databaseQuestionMarks(count: channels.count))) AND isDirect = 0
                            AND time > ? AND time < ?
                        GROUP BY conversation
                        """,
                    arguments: StatementArguments(channels) + [low, high]
                )
                for row in rows {
                    listings.append(HistoryTargetListing(target: .channel(key: row["conversation"], display: row["target"]), latest: row["latest"]))
                }
            }
            // Oldest first, or newest first when counting from the later time; the page is
            // cut there and given oldest first either way.
            listings.sort { a, b in
                let (x, y) = newestFirst ? (b, a) : (a, b)
                // Keys by their bytes, as SQLite's ORDER BY compares them.
                return x.latest != y.latest ? x.latest < y.latest : x.target.key.utf8.lexicographicallyPrecedes(y.target.key.utf8)
            }
            let page = listings.prefix(limit)
            return newestFirst ? page.reversed() : Array(page)
        }
    }

    /// The users `userKey` exchanged private messages with in the window, each with its
    /// latest message there and the other's nick as written in it: the correspondents
    /// from `direct_peer` (whose latest message is after `low`), then one step down
    /// `event_by_conversation` for each.
    private static func directTargets(_ db: Database, for userKey: String, after low: Int64, before high: Int64) throws -> [HistoryTargetListing] {
        let peers = try Row.fetchAll(
            db, sql: "SELECT peerKey, conversation FROM direct_peer WHERE userKey = ? AND lastTime > ?", arguments: [userKey, low]
        )
        let latest = try db.cachedStatement(sql: """
            SELECT time, senderKey, sender, target FROM event
            WHERE conversation = ? AND isDirect = 1 AND time > ? AND time < ?
            ORDER BY time DESC, seq DESC LIMIT 1
            """)
        var listings: [HistoryTargetListing] = []
        for peer in peers {
            let peerKey: String = peer["peerKey"]
            let conversation: String = peer["conversation"]
            guard let row = try Row.fetchOne(latest, arguments: [conversation, low, high]) else { continue }
            // The other's nick: the recipient of what the user sent, else the sender.
            let senderKey: String = row["senderKey"]
            let name: String = senderKey == userKey ? row["target"] : row["sender"]
            listings.append(HistoryTargetListing(target: .user(key: peerKey, display: name), latest: row["time"]))
        }
        return listings
    }
}
