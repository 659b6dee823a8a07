import GRDB

/// The embedded sequencer: a counter in memory within an epoch that the SQLite file
/// hands out, one per open.
///
/// Why an epoch instead of continuing from the largest stored number: IDs are handed
/// out (and fanned out to clients) before their rows commit, so after a crash the
/// largest stored number can be smaller than IDs clients already hold. A fresh epoch is
/// above every ID of every earlier run, committed or not, and costs one small write per
/// open instead of a read of the log.
public final class LocalHistorySequencer: HistorySequencer {
    /// The epoch this instance issues IDs in (it moves to the next one only if the
    /// counter runs out, after about 10¹² IDs).
    public var epoch: Int64 { self.state.withLock { $0.epoch } }

    private let state: Locked<(epoch: Int64, counter: Int64)>

    /// A sequencer that issues IDs from counter 0 of `epoch` on. The caller guarantees
    /// no other sequencer issued IDs in this epoch; ``HistoryStore`` does so through
    /// ``claimEpoch(_:)``.
    public init(epoch: Int64) {
        self.state = Locked((epoch, 0))
    }

    /// A sequencer whose next ID has `counter` in `epoch`; for tests of the rollover.
    init(epoch: Int64, startingAt counter: Int64) {
        self.state = Locked((epoch, counter))
    }

    public func next() -> MessageID {
        self.state.withLock { state in
            if state.counter > MessageID.maximumCounter {
                // Run out: the next open starts above this epoch as well, because it
                // reads the epoch of the largest stored ID too.
                state.epoch += 1
                state.counter = 0
            }
            defer { state.counter += 1 }
            return MessageID(epoch: state.epoch, counter: state.counter)
        }
    }

    /// Takes the next epoch from the database and records it, in the caller's write
    /// transaction: one above both the last epoch handed out and the epoch of the
    /// largest stored ID.
    ///
    /// - Throws: ``HistoryStoreError/Code-swift.enum/epochsExhausted`` after 2²³ − 1
    ///   opens; SQLite errors as they come.
    static func claimEpoch(_ db: Database) throws -> Int64 {
        let recorded = try Int64.fetchOne(db, sql: "SELECT epoch FROM sequencer WHERE id = 1") ?? 0
        let largest = try Int64.fetchOne(db, sql: "SELECT MAX(seq) FROM event") ?? 0
        let epoch = max(recorded, largest >> MessageID.counterBits) + 1
        guard epoch <= MessageID.maximumEpoch else {
            throw HistoryStoreError(
                .epochsExhausted,
                "every msgid epoch is used up (2²³ − 1 opens); start a new history directory"
            )
        }
        try db.execute(
            sql: "INSERT INTO sequencer (id, epoch) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET epoch = excluded.epoch",
            arguments: [epoch]
        )
        return epoch
    }
}
