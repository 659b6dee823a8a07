import GRDB

/// What ``HistoryStore/prune(_:)`` deletes.
public struct HistoryRetention: Hashable, Sendable {
    /// Delete messages whose server time is before this (milliseconds); `nil` keeps all ages.
    public var cutoff: Int64?
    /// Keep at most this many of each conversation's newest messages (the
    /// `max_messages_per_target` setting); `nil` for no cap.
    public var maximumMessagesPerTarget: Int?
    /// The most rows one transaction deletes, so a batch of appends never waits
    /// behind more than one small delete.
    public var chunkSize: Int

    public init(cutoff: Int64? = nil, maximumMessagesPerTarget: Int? = nil, chunkSize: Int = 500) {
        self.cutoff = cutoff
        self.maximumMessagesPerTarget = maximumMessagesPerTarget
        self.chunkSize = chunkSize
    }
}

/// What one pruning run deleted, and in how many transactions.
public struct HistoryPruneReport: Hashable, Sendable {
    /// Messages older than the cutoff.
    public var deletedByAge = 0
    /// Messages beyond a conversation's cap.
    public var deletedByCount = 0
    /// Delete transactions run, and the most rows one of them deleted.
    public var transactions = 0
    public var largestTransaction = 0

    public init() {}

    mutating func record(_ deleted: Int) {
        self.transactions += 1
        self.largestTransaction = max(self.largestTransaction, deleted)
    }
}

extension HistoryStore {
    /// Deletes messages older than the cutoff, then each conversation's oldest beyond
    /// the cap, `chunkSize` rows per transaction on the writer, so appends commit in
    /// between. Held offline messages go with their rows. Call it from a timer, off
    /// the event loop.
    ///
    /// - Throws: ``HistoryStoreError`` from the first failed transaction; the chunks
    ///   before it stay deleted, and running again carries on.
    public func prune(_ retention: HistoryRetention) async throws -> HistoryPruneReport {
        let chunk = max(1, retention.chunkSize)
        var report = HistoryPruneReport()
        if let cutoff = retention.cutoff {
            // The oldest `chunk` rows in sequence order, of which those before the
            // cutoff go; there is no index on time. Sequence order follows time, so
            // this stops at the first window with nothing old in it. A message stamped
            // ahead by a clock step back holds the rows after it until its own time
            // passes the cutoff: it delays their deletion, it never deletes a new one.
            report.deletedByAge = try await self.deleteInChunks(chunk, until: { $0 == 0 }, into: &report) { db in
                try db.execute(
                    sql: """
                        DELETE FROM event WHERE seq IN (
                            SELECT seq FROM (SELECT seq, time FROM event ORDER BY seq LIMIT ?) WHERE time < ?)
                        """,
                    arguments: [chunk, cutoff]
                )
            }
            // Correspondents with nothing since the cutoff and nothing left at all (a row
            // stamped ahead holds older ones back) have nothing to list.
            try await self.maintenanceWrite { db in
                try db.execute(
                    sql: """
                        DELETE FROM direct_peer WHERE lastTime < ?
                            AND NOT EXISTS (SELECT 1 FROM event WHERE conversation = direct_peer.conversation)
                        """,
                    arguments: [cutoff]
                )
            }
        }
        if let cap = retention.maximumMessagesPerTarget {
            let cap = max(0, cap)
            // Which conversations are over the cap, and the newest row each must lose:
            // read on the reader pool, so the writer is not held for the scan.
            let cuts: [(conversation: String, time: Int64, seq: Int64)] = try await self.read { db in
                let over = try String.fetchAll(
                    db,
                    sql: "SELECT conversation FROM event GROUP BY conversation HAVING COUNT(*) > ?",
                    arguments: [cap]
                )
                return try over.compactMap { conversation in
                    guard let row = try Row.fetchOne(
                        db,
                        sql: "SELECT time, seq FROM event WHERE conversation = ? ORDER BY time DESC, seq DESC LIMIT 1 OFFSET ?",
                        arguments: [conversation, cap]
                    ) else { return nil }
                    return (conversation, row["time"], row["seq"])
                }
            }
            for cut in cuts {
                report.deletedByCount += try await self.deleteInChunks(chunk, into: &report) { db in
                    try db.execute(
                        sql: """
                            DELETE FROM event WHERE seq IN (
                                SELECT seq FROM event WHERE conversation = ? AND (time, seq) <= (?, ?) LIMIT ?)
                            """,
                        arguments: [cut.conversation, cut.time, cut.seq, chunk]
                    )
                }
            }
        }
        return report
    }

    /// Runs `deleteChunk` (which deletes at most `chunk` rows) in its own transaction
    /// until `done` says so of a run's count (without it: until a run deletes fewer
    /// than `chunk`); returns the rows deleted.
    func deleteInChunks(
        _ chunk: Int,
        until done: ((Int) -> Bool)? = nil,
        into report: inout HistoryPruneReport,
        _ deleteChunk: @escaping @Sendable (Database) throws -> Void
    ) async throws -> Int {
        var total = 0
        while true {
            let deleted = try await self.maintenanceWrite { db in
                try deleteChunk(db)
                return db.changesCount
            }
            report.record(deleted)
            total += deleted
            if done.map({ $0(deleted) }) ?? (deleted < chunk) { return total }
        }
    }
}
