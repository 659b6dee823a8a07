import Foundation
import GRDB

/// The durable event log: PRIVMSG, NOTICE and TAGMSG events in one SQLite file, written
/// by group commit off the caller's thread and read for CHATHISTORY on a reader pool.
///
/// Contract for the hub:
/// - ``append(_:holdForRecipient:)`` never blocks and never touches the disk: it takes
///   an ID from the sequencer, queues the record and returns it (use its `id` as the
///   `msgid` you fan out). One writer commits whatever is queued in one transaction and
///   then calls `onBatch` with the batch's IDs and its result. A batch is reported
///   committed only after its transaction committed; a failed batch (disk full,
///   read-only file) is reported with the reason and its records are not stored.
///   The store never retries, never crashes on I/O errors, and goes on with the next
///   batch, so writes resume by themselves when the disk does.
/// - `onBatch` and `onBacklogChange(false)` run on the writer's thread: hop to your
///   event loop and return at once, because the next batch waits for them.
///   `onBacklogChange(true)` runs inside the `append` that crossed the high-water mark.
/// - Queries are `async` and run on the reader pool; maintenance (offline delivery,
///   retention, purge) runs on the writer between batches, in small transactions.
/// - Call ``close()`` before dropping the store; it commits what is queued first.
public final class HistoryStore: Sendable {
    public let configuration: HistoryStoreConfiguration
    /// The database file.
    public let path: String
    /// Where IDs come from: the sequencer given at open, or the file's own.
    public let sequencer: any HistorySequencer

    let pool: DatabasePool
    let state: Locked<HistoryWriterState>
    let gate = WriterGate()
    let onBatch: @Sendable (HistoryBatchOutcome) -> Void
    let onBacklogChange: @Sendable (_ isBehind: Bool) -> Void

    /// Opens (creating if needed) the store in `configuration.directory`, applies the
    /// schema and the durability, and claims a new msgid epoch when no `sequencer` is
    /// given. Blocks on the disk: call it at start-up, not on an event loop.
    ///
    /// - Parameters:
    ///   - sequencer: where IDs come from; `nil` for the file's own ``LocalHistorySequencer``.
    ///   - onBatch: told about every batch after it committed or failed.
    ///   - onBacklogChange: told when the backlog reaches the high-water mark (`true`)
    ///     and when it is back down to the low-water mark (`false`).
    /// - Throws: ``HistoryStoreError`` naming the file: `cannotOpen` (directory or file
    ///   not creatable or writable), `newerSchema` (written by a newer binary),
    ///   `durabilityNotApplied`, `diskFull`, `readOnly`, `epochsExhausted`.
    public init(
        configuration: HistoryStoreConfiguration,
        sequencer: (any HistorySequencer)? = nil,
        onBatch: @escaping @Sendable (HistoryBatchOutcome) -> Void,
        onBacklogChange: @escaping @Sendable (_ isBehind: Bool) -> Void = { _ in }
    ) throws {
        let path = configuration.path
        self.configuration = configuration
        self.path = path
        self.onBatch = onBatch
        self.onBacklogChange = onBacklogChange
        self.state = Locked(HistoryWriterState(
            highWaterMark: configuration.highWaterMark,
            lowWaterMark: configuration.lowWaterMark
        ))
        do {
            try FileManager.default.createDirectory(
                at: configuration.directory,
                withIntermediateDirectories: true,
                attributes: [.posixPermissions: 0o700]
            )
        } catch {
            throw HistoryStoreError(
                .cannotOpen,
                "cannot create the history directory \(configuration.directory.path): \(error.localizedDescription); create it, writable by the server's user"
            )
        }
        var grdb = Configuration()
        grdb.label = "history"
        grdb.maximumReaderCount = max(1, configuration.readerCount)
        // Another process may hold the write lock for a moment (a purge run by the
        // operator): wait for it rather than fail a batch of the server's messages.
        grdb.busyMode = .timeout(max(0, configuration.busyTimeout / .seconds(1)))
        let pool: DatabasePool
        do {
            pool = try DatabasePool(path: path, configuration: grdb)
        } catch {
            throw HistoryStoreError.opening(error, path: path)
        }
        self.pool = pool
        do {
            try Self.applyDurability(configuration.durability, to: pool, path: path)
            try HistorySchema.migrate(pool, path: path)
            if let sequencer {
                self.sequencer = sequencer
            } else {
                let epoch = try pool.write { try LocalHistorySequencer.claimEpoch($0) }
                self.sequencer = LocalHistorySequencer(epoch: epoch)
            }
        } catch {
            try? pool.close()
            throw HistoryStoreError.opening(error, path: path)
        }
    }

    /// Sets `PRAGMA synchronous` on the writer and reads it back. Done after the pool
    /// opened because `DatabasePool` sets NORMAL when it turns WAL on, after any
    /// `prepareDatabase` of ours; the writer connection lives as long as the pool, so
    /// the setting holds for every later commit.
    private static func applyDurability(_ durability: HistoryDurability, to pool: DatabasePool, path: String) throws {
        let effective = try pool.writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA synchronous = \(durability.synchronousValue)")
            return try Int.fetchOne(db, sql: "PRAGMA synchronous")
        }
        guard effective == durability.synchronousValue else {
            throw HistoryStoreError(
                .durabilityNotApplied,
                "\(path): PRAGMA synchronous is \(effective.map(String.init) ?? "unknown") on the writer, not \(durability.synchronousValue) (\(durability.rawValue))"
            )
        }
    }

    // MARK: - Appending

    /// Queues `event` for the next batch and returns it with its ID. Never blocks.
    ///
    /// - Parameter holdForRecipient: also keep this private message in the recipient's
    ///   offline queue until ``markDelivered(_:for:)``; ignored for channel messages.
    /// - Returns: the record as it will be stored. After ``close()`` the record is not
    ///   queued, and `onBatch` soon reports it failed with `closed`.
    @discardableResult
    public func append(_ event: HistoryEvent, holdForRecipient: Bool = false) -> HistoryRecord {
        let record = HistoryRecord(id: self.sequencer.next(), event: event)
        self.append(record, holdForRecipient: holdForRecipient)
        return record
    }

    /// Queues `record`, whose ID the caller took from ``sequencer`` (and may already have
    /// sent out as its msgid), for the next batch. Never blocks. Records must be appended
    /// in the order of their IDs, from one thread at a time (the hub's loop).
    public func append(_ record: HistoryRecord, holdForRecipient: Bool = false) {
        let hold = holdForRecipient && record.event.target.isUser
        let action = self.state.withLock { state -> HistoryWriterState.EnqueueAction? in
            guard !state.isClosed else { return nil }
            return state.enqueue(PendingAppend(record: record, holdForRecipient: hold))
        }
        guard let action else {
            let outcome = HistoryBatchOutcome(
                ids: [record.id],
                result: .failure(HistoryStoreError(.closed, "\(self.path): the history store is closed; the event was not stored"))
            )
            DispatchQueue.global().async { self.onBatch(outcome) }
            return
        }
        if action.scheduleDrain {
            self.scheduleDrain()
        }
        if action.becameBehind {
            self.onBacklogChange(true)
        }
    }

    /// Appends queued or being committed. At or above the high-water mark the store is
    /// behind until this falls to the low-water mark.
    public var backlog: Int { self.state.withLock { $0.backlog } }

    /// Whether the writer is behind: pause senders until ``onBacklogChange`` says `false`.
    public var isBehind: Bool { self.state.withLock { $0.isBehind } }

    /// Counts of committed and failed batches since open.
    public var statistics: HistoryStoreStatistics { self.state.withLock { $0.statistics } }

    /// Returns once every append made before the call has been reported to `onBatch`.
    public func flush() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let resume: @Sendable () -> Void = { continuation.resume() }
            if let now = self.state.withLock({ $0.waitForFinished(resume) }) {
                now()
            }
        }
    }

    /// Stops accepting appends, commits what is queued, and closes the file. Reads and
    /// maintenance after this fail.
    public func close() async {
        self.state.withLock { $0.close() }
        self.gate.release()
        await self.flush()
        try? self.pool.close()
    }

    // MARK: - Test and soak hooks

    /// Holds the writer before its next transaction until ``resumeWriter()``, as a
    /// stalled disk would: appends keep returning at once and pile up. A batch is
    /// taken before the hold, so what arrives later goes into the next one.
    public func suspendWriter() {
        self.gate.hold()
    }

    /// Lets a suspended writer go on.
    public func resumeWriter() {
        self.gate.release()
    }

    /// Lets a suspended writer carry out one transaction, then holds it again.
    public func stepWriter() {
        self.gate.step()
    }

    /// How many transactions the writer began, and whether it waits at a suspension
    /// with one in hand.
    public var writerProgress: (passed: Int, isWaiting: Bool) {
        self.gate.progress
    }

    /// Makes the writer sleep `delay` before every transaction (`.zero` to stop), to
    /// show what a slow disk does to the queue.
    public func setWriterDelay(_ delay: Duration) {
        self.gate.setDelay(delay)
    }

    /// Runs `sql` on the writer connection outside a transaction, through the gate.
    /// Tests use it to make SQLite fail as a full or read-only disk would
    /// (`PRAGMA max_page_count`, `PRAGMA query_only`) and to undo that.
    func executeOnWriter(_ sql: String) async throws {
        try await self.pool.writeWithoutTransaction { db in
            try db.execute(sql: sql)
        }
    }

    /// The durability in effect on the writer connection, read back from
    /// `PRAGMA synchronous` there (not from a reader, whose setting is its own).
    ///
    /// - Returns: the mode, or `nil` for a value neither mode sets (OFF, EXTRA).
    /// - Throws: ``HistoryStoreError`` `readFailed` (for example after ``close()``).
    public func effectiveDurability() async throws -> HistoryDurability? {
        let value: Int?
        do {
            value = try await self.pool.writeWithoutTransaction { db in
                try Int.fetchOne(db, sql: "PRAGMA synchronous")
            }
        } catch {
            throw HistoryStoreError.reading(error, path: self.path)
        }
        return HistoryDurability.allCases.first { $0.synchronousValue == value }
    }
}

/// What happened to one batch of appends.
public struct HistoryBatchOutcome: Sendable {
    /// The batch's IDs, in the order they were appended.
    public let ids: [MessageID]
    /// Success once the transaction committed; the reason when it did not.
    public let result: Result<Void, HistoryStoreError>
    /// How long the batch's transaction took, commit included; nil when not measured.
    public let commitDuration: Duration?

    public init(ids: [MessageID], result: Result<Void, HistoryStoreError>, commitDuration: Duration? = nil) {
        self.ids = ids
        self.result = result
        self.commitDuration = commitDuration
    }

    /// Whether the batch is durably stored.
    public var committed: Bool {
        if case .success = self.result { return true }
        return false
    }
}
