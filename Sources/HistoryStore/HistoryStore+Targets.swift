import GRDB

/// One line of a CHATHISTORY TARGETS reply: a buffer with history in the window, and
/// the time of its latest message there.
public struct HistoryTargetListing: Hashable, Sendable {
    /// The channel, or the other user of a private conversation.
    public let target: HistoryTarget
    /// The latest message's server time in the window, in milliseconds.
    public let latest: Int64

    public init(target: HistoryTarget, latest: Int64) {
        self.target = target
        self.latest = latest
    }
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
            var branches = [
                """
                SELECT 1 AS isDirect, targetKey AS peerKey, target AS peerName, time FROM event
                WHERE senderKey = ? AND isDirect = 1 AND time > ? AND time < ?
                """,
                """
                SELECT 1, senderKey, sender, time FROM event
                WHERE targetKey = ? AND isDirect = 1 AND time > ? AND time < ?
                """,
            ]
            // Private messages by the partial indexes on sender and target; channels by
            // `event_by_conversation` (a channel's conversation is its folded name).
            var arguments: StatementArguments = [userKey, low, high, userKey, low, high]
            if !channels.isEmpty {
                let marks = databaseQuestionMarks(count: channels.count)
                branches.append("""
                    SELECT 0, conversation, target, time FROM event
                    WHERE conversation IN (\(marks)) AND isDirect = 0 AND time > ? AND time < ?
                    """)
                arguments += StatementArguments(channels)
                arguments += [low, high]
            }
            // With one MAX() aggregate, SQLite takes the bare column peerName from the
            // row that holds the maximum: the name as most recently written.
            let order = newestFirst ? "DESC" : "ASC"
            let sql = """
                SELECT isDirect, peerKey, peerName, MAX(time) AS latest
                FROM (\(branches.joined(separator: " UNION ALL ")))
                GROUP BY isDirect, peerKey
                ORDER BY latest \(order), peerKey \(order)
                LIMIT ?
                """
            arguments += [limit]
            var listings: [HistoryTargetListing] = []
            for row in try Row.fetchAll(db, sql: sql, arguments: arguments) {
                let key: String = row["peerKey"]
                let name: String = row["peerName"]
                let isDirect: Bool = row["isDirect"]
                listings.append(HistoryTargetListing(
                    target: isDirect ? .user(key: key, display: name) : .channel(key: key, display: name),
                    latest: row["latest"]
                ))
            }
            return newestFirst ? listings.reversed() : listings
        }
    }
}
