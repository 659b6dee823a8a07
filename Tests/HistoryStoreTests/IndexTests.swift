import Foundation
import GRDB
import Testing

@testable import HistoryStore

/// The indexes every append pays for, and the reads that used the ones dropped in
/// `v2-narrow-indexes`.
@Suite("Indexes")
struct IndexTests {
    private static let expectedIndexes = ["event_by_conversation"]

    private func indexes(on path: String) async throws -> [String] {
        let reader = try independentReader(path)
        defer { try? reader.close() }
        return try await reader.read { db in
            try String.fetchAll(
                db, sql: "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'event' AND sql IS NOT NULL ORDER BY name")
        }
    }

    @Test func aNewFileHasOnlyTheConversationIndex() async throws {
        try await withStore { store, _, _ async throws in
            #expect(try await self.indexes(on: store.path) == Self.expectedIndexes)
        }
    }

    /// A history file in `directory` as a binary that knew migrations up to `migration`
    /// left it, holding `events` as they were stored then (in order, `seq` from 1).
    private func oldFile(in directory: URL, upTo migration: String, _ events: [HistoryEvent]) async throws -> String {
        let path = directory.appendingPathComponent("history.sqlite").path
        let queue = try DatabaseQueue(path: path)
        try HistorySchema.migrator.migrate(queue, upTo: migration)
        try await queue.write { db in
            for (index, event) in events.enumerated() {
                try db.execute(sql: """
                    INSERT INTO event (seq, time, kind, source, sender, senderKey, account, target, targetKey,
                                       isDirect, conversation, text, clientTags)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """, arguments: [
                        index + 1, event.time, event.kind.rawValue, event.source, String(event.senderNick), event.senderKey,
                        event.account, event.target.display, event.target.key, event.target.isUser,
                        event.conversation.storageKey, event.text, event.clientTags,
                    ])
            }
        }
        try queue.close()
        return path
    }

    @Test func aVersionOneFileIsUpgradedAndKeepsItsRows() async throws {
        try await withTemporaryDirectory { directory in
            let path = try await self.oldFile(in: directory, upTo: "v1-events", [channelMessage("from v1")])
            let (store, _) = try openStore(in: directory)
            #expect(try await self.indexes(on: path) == Self.expectedIndexes)
            let kept = try await store.messages(in: .channel("#ops"), .latest(after: nil), limit: 10)
            #expect(texts(kept) == ["from v1"])
            await store.close()
        }
    }

    /// A file from before `v4-direct-peers` loses its two private indexes and gains the
    /// correspondents of its stored private messages, so TARGETS lists them as before.
    @Test func aVersionThreeFileKeepsItsCorrespondents() async throws {
        try await withTemporaryDirectory { directory in
            let path = try await self.oldFile(in: directory, upTo: "v3-reports", [
                privateMessage("hi", from: "alice", to: "bob", at: baseTime + 1000),
                privateMessage("hi", from: "bob", to: "alice", at: baseTime + 3000),
                privateMessage("hi", from: "carol", to: "alice", at: baseTime + 2000),
            ])
            let (store, _) = try openStore(in: directory)
            #expect(try await self.indexes(on: path) == Self.expectedIndexes)
            let alice = try await store.targets(for: "alice", channels: [], between: baseTime, and: baseTime + 60_000, limit: 10)
            #expect(alice.map { "\($0.target.display)@\(($0.latest - baseTime) / 1000)" } == ["carol@2", "bob@3"])
            let bob = try await store.targets(for: "bob", channels: [], between: baseTime, and: baseTime + 60_000, limit: 10)
            #expect(bob.map(\.target.display) == ["alice"])
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

    /// TARGETS finds channels through the conversation index, private correspondents by
    /// `direct_peer`'s key and each one's latest message through the conversation index:
    /// no full scan of the event table. The statements have the
    /// predicates of the three branches of `targets(for:channels:between:and:limit:)`
    /// (whose results TargetsTests checks); a branch whose predicates change must
    /// change here too.
    @Test func targetsAndPrivateReadsUseAnIndex() async throws {
        try await withStore { store, _, _ async throws in
            let plans: [String] = try await store.read { db in
                let statements = [
                    "SELECT time FROM event WHERE conversation IN ('#ops', '#dev') AND isDirect = 0 AND time > 0 AND time < 9",
                    "SELECT peerKey, conversation FROM direct_peer WHERE userKey = 'alice' AND lastTime > 0",
                    """
                    SELECT time, senderKey, sender, target FROM event
                    WHERE conversation = 'alice bob' AND isDirect = 1 AND time > 0 AND time < 9 ORDER BY time DESC, seq DESC LIMIT 1
                    """,
                ]
                return try statements.map { sql in
                    try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN " + sql).map { $0["detail"] as String }.joined(separator: "; ")
                }
            }
            for plan in plans {
                #expect(plan.contains("USING INDEX") || plan.contains("USING COVERING INDEX") || plan.contains("USING PRIMARY KEY"), "\(plan)")
            }
        }
    }
}
