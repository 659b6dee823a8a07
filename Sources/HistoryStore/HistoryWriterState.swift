/// One append waiting for the writer: the record, and whether its recipient is offline.
struct PendingAppend: Sendable {
    var record: HistoryRecord
    var holdForRecipient: Bool
}

/// The append queue's bookkeeping as a value: what is queued, what is being committed,
/// whether a drain is scheduled on the writer, and the backlog's high/low-water state.
///
/// The store keeps it under a lock and carries out what each call returns (schedule a
/// drain, report the backlog, resume waiters); nothing here touches SQLite or threads.
struct HistoryWriterState {
    let highWaterMark: Int
    let lowWaterMark: Int

    private(set) var pending: [PendingAppend] = []
    /// Records taken by the writer and not yet reported.
    private(set) var inFlight = 0
    /// Whether a drain is queued on or running on the writer.
    private(set) var drainScheduled = false
    private(set) var isBehind = false
    private(set) var isClosed = false
    /// Appends accepted so far, and appends whose batch was reported (either way).
    private(set) var accepted = 0
    private(set) var finished = 0
    private(set) var statistics = HistoryStoreStatistics()
    /// Callers of flush or close, each waiting for `finished` to reach its mark.
    private var waiters: [(mark: Int, resume: @Sendable () -> Void)] = []

    init(highWaterMark: Int, lowWaterMark: Int) {
        self.highWaterMark = max(1, highWaterMark)
        self.lowWaterMark = min(max(0, lowWaterMark), self.highWaterMark - 1)
    }

    /// Appends waiting plus appends being committed.
    var backlog: Int { self.pending.count + self.inFlight }

    struct EnqueueAction {
        /// Start a drain on the writer: none was scheduled.
        var scheduleDrain = false
        /// The backlog just reached the high-water mark.
        var becameBehind = false
    }

    /// Queues `append`. The caller has checked ``isClosed``.
    mutating func enqueue(_ append: PendingAppend) -> EnqueueAction {
        precondition(!self.isClosed, "enqueue after close")
        var action = EnqueueAction()
        self.pending.append(append)
        self.accepted += 1
        if !self.drainScheduled {
            self.drainScheduled = true
            action.scheduleDrain = true
        }
        if !self.isBehind, self.backlog >= self.highWaterMark {
            self.isBehind = true
            action.becameBehind = true
        }
        return action
    }

    /// The next batch for the writer: everything queued, up to `maximum` records, in
    /// queue order. Empty only when nothing is queued, which also ends the drain.
    mutating func takeBatch(maximum: Int) -> [PendingAppend] {
        precondition(self.inFlight == 0, "a batch is already being committed")
        guard !self.pending.isEmpty else {
            self.drainScheduled = false
            return []
        }
        let batch: [PendingAppend]
        if self.pending.count <= maximum {
            batch = self.pending
            self.pending.removeAll(keepingCapacity: true)
        } else {
            batch = Array(self.pending.prefix(maximum))
            self.pending.removeFirst(maximum)
        }
        self.inFlight = batch.count
        return batch
    }

    struct FinishAction {
        /// Queue another drain on the writer: more appends are waiting.
        var scheduleDrain = false
        /// The backlog just fell to the low-water mark after being behind.
        var caughtUp = false
        /// Waiters whose appends are all reported now.
        var resume: [@Sendable () -> Void] = []
    }

    /// Records that the batch taken last was committed (`succeeded`) or failed.
    mutating func finishBatch(succeeded: Bool) -> FinishAction {
        var action = FinishAction()
        let count = self.inFlight
        self.inFlight = 0
        self.finished += count
        if succeeded {
            self.statistics.committedBatches += 1
            self.statistics.committedRecords += count
            self.statistics.largestBatch = max(self.statistics.largestBatch, count)
        } else {
            self.statistics.failedBatches += 1
            self.statistics.failedRecords += count
        }
        if self.pending.isEmpty {
            self.drainScheduled = false
        } else {
            action.scheduleDrain = true
        }
        if self.isBehind, self.backlog <= self.lowWaterMark {
            self.isBehind = false
            action.caughtUp = true
        }
        action.resume = self.releaseWaiters()
        return action
    }

    /// Registers `resume` to run once every append accepted so far is reported; runs
    /// it at once (returns it) when they already are.
    mutating func waitForFinished(_ resume: @escaping @Sendable () -> Void) -> (@Sendable () -> Void)? {
        guard self.finished < self.accepted else { return resume }
        self.waiters.append((self.accepted, resume))
        return nil
    }

    /// Stops accepting appends; what is queued still gets committed.
    mutating func close() {
        self.isClosed = true
    }

    private mutating func releaseWaiters() -> [@Sendable () -> Void] {
        var ready: [@Sendable () -> Void] = []
        let finished = self.finished
        self.waiters.removeAll { waiter in
            guard waiter.mark <= finished else { return false }
            ready.append(waiter.resume)
            return true
        }
        return ready
    }
}

/// Counts since the store opened, for logs, benches and tests.
public struct HistoryStoreStatistics: Hashable, Sendable {
    /// Transactions that committed appends, and the appends they held.
    public var committedBatches = 0
    public var committedRecords = 0
    /// Batches whose transaction failed, and the appends lost with them.
    public var failedBatches = 0
    public var failedRecords = 0
    /// The most appends one transaction held.
    public var largestBatch = 0

    public init() {}
}
