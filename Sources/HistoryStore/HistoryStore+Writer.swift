import GRDB

/// The writer: group commit of queued appends, and the helpers maintenance uses to run
/// its own small transactions in between.
///
/// Everything here runs on the pool's one writer connection, whose serial queue is the
/// single writer thread. A drain commits one batch and, when more is queued, schedules
/// the next drain behind whatever else is waiting on that queue, so a maintenance
/// transaction never waits for the queue to run dry.
extension HistoryStore {
    func scheduleDrain() {
        self.pool.asyncWriteWithoutTransaction { db in
            self.drainOnce(db)
        }
    }

    /// Commits one batch and reports it. Runs on the writer.
    private func drainOnce(_ db: Database) {
        let batch = self.state.withLock { $0.takeBatch(maximum: max(1, self.configuration.maximumBatchSize)) }
        guard !batch.isEmpty else { return }
        self.gate.pass()
        let result: Result<Void, HistoryStoreError>
        let started = ContinuousClock.now
        do {
            try self.commit(batch, db)
            result = .success(())
        } catch {
            result = .failure(HistoryStoreError.writing(error, path: self.path))
        }
        let action = self.state.withLock { $0.finishBatch(succeeded: (try? result.get()) != nil) }
        self.onBatch(
            HistoryBatchOutcome(ids: batch.map(\.record.id), result: result, commitDuration: ContinuousClock.now - started))
        if action.caughtUp {
            self.onBacklogChange(false)
        }
        for resume in action.resume {
            resume()
        }
        if action.scheduleDrain {
            self.scheduleDrain()
        }
    }

    /// Inserts `batch` in one IMMEDIATE transaction; throws (having rolled back) when
    /// any insert or the commit fails.
    private func commit(_ batch: [PendingAppend], _ db: Database) throws {
        try db.inTransaction(.immediate) {
            let insertEvent = try db.cachedStatement(sql: """
                INSERT INTO event (seq, time, kind, source, sender, senderKey, account,
                    target, targetKey, isDirect, conversation, text, clientTags)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """)
            let insertHold = try db.cachedStatement(
                sql: "INSERT INTO pending_delivery (recipientKey, seq) VALUES (?, ?)"
            )
            var peers = DirectPeers()
            for append in batch {
                let record = append.record
                let event = record.event
                var row = StatementRow(insertEvent, in: db)
                try row.bind(record.id.rawValue)
                try row.bind(event.time)
                try row.bind(Int64(event.kind.rawValue))
                try row.bind(event.source)
                try row.bind(event.senderNick)
                try row.bind(event.senderKey)
                try row.bind(event.account)
                try row.bind(event.target.display)
                try row.bind(event.target.key)
                try row.bind(event.target.isUser)
                try row.bind(event.conversation.storageKey)
                try row.bind(event.text)
                try row.bind(event.clientTags)
                try row.step()
                if append.holdForRecipient {
                    var hold = StatementRow(insertHold, in: db)
                    try hold.bind(event.target.key)
                    try hold.bind(record.id.rawValue)
                    try hold.step()
                }
                peers.add(event)
            }
            try peers.write(db)
            return .commit
        }
    }

    // MARK: - Maintenance transactions

    /// Runs `body` in one transaction on the writer, after any batch already running,
    /// through the test gate.
    ///
    /// - Throws: ``HistoryStoreError`` classified as for a batch (disk full, read-only…).
    func maintenanceWrite<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        do {
            return try await self.pool.writeWithoutTransaction { db in
                self.gate.pass()
                var result: T?
                try db.inTransaction(.immediate) {
                    result = try body(db)
                    return .commit
                }
                guard let result else { preconditionFailure("a committed transaction produced no result") }
                return result
            }
        } catch {
            throw HistoryStoreError.writing(error, path: self.path)
        }
    }

    /// Runs `body` on a reader connection, in a snapshot of committed data.
    ///
    /// - Throws: ``HistoryStoreError``: what `body` threw, or `readFailed`.
    func read<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        do {
            return try await self.pool.read(body)
        } catch {
            throw HistoryStoreError.reading(error, path: self.path)
        }
    }
}
