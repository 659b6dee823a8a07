import GRDB

/// The `direct_peer` rows one batch changes: for each pair of users that exchanged private
/// messages in it, the latest message's time, kept for both directions and written once
/// per pair at the end of the batch (see the `v4-direct-peers` migration).
struct DirectPeers {
    private struct Pair: Hashable {
        let user: String
        let peer: String
    }

    private var latest: [Pair: (conversation: String, time: Int64)] = [:]

    /// Notes `event` when it is a private message; channel messages change nothing.
    mutating func add(_ event: HistoryEvent) {
        guard case .user(let targetKey, _) = event.target else { return }
        let conversation = event.conversation.storageKey
        for pair in [Pair(user: event.senderKey, peer: targetKey), Pair(user: targetKey, peer: event.senderKey)] {
            if let known = latest[pair], known.time >= event.time { continue }
            latest[pair] = (conversation, event.time)
        }
    }

    /// Upserts the rows, inside the batch's transaction.
    func write(_ db: Database) throws {
        guard !latest.isEmpty else { return }
        let upsert = try db.cachedStatement(sql: HistorySchema.upsertDirectPeer)
        for (pair, value) in latest {
            var row = StatementRow(upsert, in: db)
            try row.bind(pair.user)
            try row.bind(pair.peer)
            try row.bind(value.conversation)
            try row.bind(value.time)
            try row.step()
        }
    }
}
