import Foundation
import GRDB
import Testing

@testable import HistoryStore

/// The indexes every append pays for, and the reads that used the ones dropped in
/// `v2-narrow-indexes`.
@Suite("Indexes")
struct IndexTests {
    private static let expectedIndexes = ["event_by_conversation", "event_direct_by_sender", "event_direct_by_target"]

    private func indexes(on path: String) async throws -> [String] {
        let reader = try independentReader(path)
        defer { try? reader.close() }
        return try await reader.read { db in
            try String.fetchAll(
                db, sql: "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'event' AND sql IS NOT NULL ORDER BY name")
        }
    }

    @Test func aNewFileHasOnlyTheConversationIndexAndThePrivateOnes() async throws {
        try await withStore { store, _, _ async throws in
            #expect(try await self.indexes(on: store.path) == Self.expectedIndexes)
        }
    }

    @Test func aVersionOneFileIsUpgradedAndKeepsItsRows() async throws {
        try await withTemporaryDirectory { directory in
            let path = directory.appendingPathComponent("history.sqlite").path
            let queue = try DatabaseQueue(path: path)
            try HistorySchema.migrator.migrate(queue, upTo: "v1-events")
            try await queue.write { db in
                try db.execute(sql: """
                    INSERT INTO event (seq, time, kind, source, sender, senderKey, account, target, targetKey,
                                       isDirect, conversation, text, clientTags)
                    VALUES (1, ?, 0, 'alice!alice@localhost', 'alice', 'alice', 'alice', '#ops', '#ops', 0, '#ops', 'from v1', '')
                    """, arguments: [baseTime])
            }
            try queue.close()

            let (store, _) = try openStore(in: directory)
            #expect(try await self.indexes(on: path) == Self.expectedIndexes)
            let kept = try await store.messages(in: .channel("#ops"), .latest(after: nil), limit: 10)
            #expect(texts(kept) == ["from v1"])
            await store.close()
        }
    }

    /// Retention walks rows in sequence order. A row stamped ahead (the clock stepped
    /// back after it) is kept until its own time passes, and holds back the rows after
    /// it; nothing newer than the cutoff is ever deleted.
    @Test func retentionAfterAClockStepBackDeletesNothingNew() async throws {
        try await withStore { store, _, _ async throws in
            await appendAll([
                channelMessage("old 1", at: baseTime),
                channelMessage("ahead", at: baseTime + 50_000),
                channelMessage("old 2", at: baseTime + 1),
                channelMessage("new", at: baseTime + 20_000),
            ], to: store)
            let report = try await store.prune(HistoryRetention(cutoff: baseTime + 10_000, chunkSize: 2))
            #expect(report.deletedByAge == 2)
            let left = try await store.messages(in: .channel("#ops"), .latest(after: nil), limit: 10)
            #expect(Set(texts(left)) == ["ahead", "new"])
        }
    }

    /// TARGETS finds channels through the conversation index and private peers through
    /// the partial indexes: no full scan of the event table. The statements have the
    /// predicates of the three branches of `targets(for:channels:between:and:limit:)`
    /// (whose results TargetsTests checks); a branch whose predicates change must
    /// change here too.
    @Test func targetsAndPrivateReadsUseAnIndex() async throws {
        try await withStore { store, _, _ async throws in
            let plans: [String] = try await store.read { db in
                let statements = [
                    "SELECT time FROM event WHERE conversation IN ('#ops', '#dev') AND isDirect = 0 AND time > 0 AND time < 9",
                    "SELECT time FROM event WHERE senderKey = 'alice' AND isDirect = 1 AND time > 0 AND time < 9",
                    "SELECT time FROM event WHERE targetKey = 'alice' AND isDirect = 1 AND time > 0 AND time < 9",
                ]
                return try statements.map { sql in
                    try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN " + sql).map { $0["detail"] as String }.joined(separator: "; ")
                }
            }
            for plan in plans {
                #expect(plan.contains("USING INDEX") || plan.contains("USING COVERING INDEX"), "\(plan)")
            }
        }
    }
}
