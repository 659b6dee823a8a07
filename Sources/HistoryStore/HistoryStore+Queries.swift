import GRDB

extension HistoryStore {
    /// One page of a conversation's history, as IRCv3 CHATHISTORY selects it, oldest
    /// first. Runs on the reader pool and sees only committed batches.
    ///
    /// - Parameters:
    ///   - conversation: a channel, or `.direct(requester, peer)` with the requesting
    ///     user's own folded nick, so nobody reads another pair's private messages.
    ///   - limit: the client's limit; above ``HistoryLimit/maximum`` it is cut to it,
    ///     zero or less gives an empty page.
    /// - Throws: ``HistoryStoreError`` `unknownMessageID` when a `msgid=` reference is
    ///   not a message of `conversation` (never seen, another buffer's, or deleted by
    ///   retention: a position that is gone is not guessed at); `readFailed`.
    public func messages(
        in conversation: HistoryConversation,
        _ query: HistoryQuery,
        limit: Int
    ) async throws -> [HistoryRecord] {
        let limit = HistoryLimit.clamp(limit)
        let key = conversation.storageKey
        guard limit > 0 else { return [] }
        return try await self.read { db in
            let page = HistoryPage(db: db, conversation: key)
            switch query {
            case .latest(nil):
                return try page.fetch(newestFirst: true, limit: limit)
            case .latest(let reference?):
                let position = try page.resolve(reference)
                return try page.fetch(after: position, newestFirst: true, limit: limit)
            case .before(let reference):
                let position = try page.resolve(reference)
                return try page.fetch(before: position, newestFirst: true, limit: limit)
            case .after(let reference):
                let position = try page.resolve(reference)
                return try page.fetch(after: position, newestFirst: false, limit: limit)
            case .around(let reference):
                let position = try page.resolve(reference)
                let earlier = try page.fetch(before: position, newestFirst: true, limit: limit)
                let later = try page.fetch(from: position, limit: limit)
                let earlierCount = min(earlier.count, max(limit / 2, limit - later.count))
                let laterCount = min(later.count, limit - earlierCount)
                return Array(earlier.suffix(earlierCount) + later.prefix(laterCount))
            case .between(let first, let second):
                let start = try page.resolve(first)
                let end = try page.resolve(second)
                if start.sortKey <= end.sortKey {
                    return try page.fetch(after: start, before: end, newestFirst: false, limit: limit)
                } else {
                    return try page.fetch(after: end, before: start, newestFirst: true, limit: limit)
                }
            }
        }
    }
}

/// A place in a conversation's (time, seq) order that a reference resolved to.
enum HistoryPosition {
    /// A stored message's exact place.
    case message(time: Int64, seq: Int64)
    /// An instant: between every message before it and every message at or after it.
    case instant(Int64)

    /// For ordering two positions; an instant sorts before the messages at its time.
    var sortKey: HistorySortKey {
        switch self {
        case .message(let time, let seq): HistorySortKey(time: time, seq: seq)
        case .instant(let time): HistorySortKey(time: time, seq: 0)
        }
    }
}

/// (time, seq), compared in that order.
struct HistorySortKey: Comparable {
    var time: Int64
    var seq: Int64

    static func < (lhs: HistorySortKey, rhs: HistorySortKey) -> Bool {
        (lhs.time, lhs.seq) < (rhs.time, rhs.seq)
    }
}

/// The SQL for pages of one conversation, on one reader connection.
struct HistoryPage {
    let db: Database
    let conversation: String

    /// Where `reference` sits in this conversation.
    ///
    /// - Throws: `unknownMessageID` when a msgid names no message of this conversation.
    func resolve(_ reference: HistoryReference) throws -> HistoryPosition {
        switch reference {
        case .timestamp(let time):
            return .instant(time)
        case .messageID(let id):
            let time = try Int64.fetchOne(
                self.db,
                sql: "SELECT time FROM event WHERE seq = ? AND conversation = ?",
                arguments: [id.rawValue, self.conversation]
            )
            guard let time else {
                throw HistoryStoreError(.unknownMessageID, "msgid \(id) names no stored message in this conversation")
            }
            return .message(time: time, seq: id.rawValue)
        }
    }

    /// Up to `limit` messages strictly after `after` and strictly before `before`
    /// (either may be absent), the newest or the oldest ones, returned oldest first.
    func fetch(
        after: HistoryPosition? = nil,
        before: HistoryPosition? = nil,
        newestFirst: Bool,
        limit: Int
    ) throws -> [HistoryRecord] {
        var conditions = ["conversation = ?"]
        var arguments: StatementArguments = [self.conversation]
        for (bound, comparison) in [(after, ">"), (before, "<")] {
            switch bound {
            case .message(let time, let seq)?:
                conditions.append("(time, seq) \(comparison) (?, ?)")
                arguments += [time, seq]
            case .instant(let time)?:
                conditions.append("time \(comparison) ?")
                arguments += [time]
            case nil:
                break
            }
        }
        return try self.select(conditions, arguments, newestFirst: newestFirst, limit: limit)
    }

    /// Up to `limit` of the oldest messages at or after `position` (a message's own
    /// row included), oldest first.
    func fetch(from position: HistoryPosition, limit: Int) throws -> [HistoryRecord] {
        switch position {
        case .message(let time, let seq):
            return try self.select(
                ["conversation = ?", "(time, seq) >= (?, ?)"],
                [self.conversation, time, seq],
                newestFirst: false,
                limit: limit
            )
        case .instant(let time):
            return try self.select(
                ["conversation = ?", "time >= ?"],
                [self.conversation, time],
                newestFirst: false,
                limit: limit
            )
        }
    }

    private func select(
        _ conditions: [String],
        _ arguments: StatementArguments,
        newestFirst: Bool,
        limit: Int
    ) throws -> [HistoryRecord] {
        let order = newestFirst ? "time DESC, seq DESC" : "time ASC, seq ASC"
        let sql = """
            SELECT \(HistoryRecord.selection) FROM event
            WHERE \(conditions.joined(separator: " AND "))
            ORDER BY \(order) LIMIT ?
            """
        let records = try HistoryRecord.fetchAll(self.db, sql: sql, arguments: arguments + [limit])
        return newestFirst ? records.reversed() : records
    }
}
