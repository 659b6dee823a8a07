import Foundation
import GRDB
import Testing

@testable import HistoryStore

/// SQLite's own failure paths, reached on the writer connection: a page limit at the
/// file's current size fails growth with SQLITE_FULL as a full disk does, and
/// `query_only` fails writes with SQLITE_READONLY as a read-only file does. (File
/// permissions would not do: these tests run as root, and SQLite keeps the file open.)
@Suite("Write failures")
struct WriteFailureTests {
    @Test func aFullDiskFailsTheBatchesAndWritesResumeWhenThereIsRoom() async throws {
        try await withStore { store, recorder, _ async throws in
            await appendAll([channelMessage("before")], to: store)
            let pages = try await store.read { try Int.fetchOne($0, sql: "PRAGMA page_count") ?? 0 }
            try await store.executeOnWriter("PRAGMA max_page_count = \(pages)")

            let big = String(repeating: "x", count: 20_000)
            let lost = await appendAll((0..<5).map { channelMessage("\(big) \($0)") }, to: store)
            #expect(recorder.failures.map(\.code).allSatisfy { $0 == .diskFull })
            #expect(!recorder.failures.isEmpty)
            #expect(Set(recorder.outcomes.filter { !$0.committed }.flatMap(\.ids)) == Set(lost.map(\.id)))
            #expect(recorder.failures.first?.description.contains(store.path) == true)
            #expect(store.statistics.failedRecords == 5)

            try await store.executeOnWriter("PRAGMA max_page_count = 1073741823")
            let after = await appendAll([channelMessage("after")], to: store)
            #expect(recorder.outcomes.last?.committed == true)
            #expect(recorder.committedIDs.last == after.first?.id)
            let stored = try await store.messages(in: .channel("#ops"), .latest(after: nil), limit: 10)
            #expect(texts(stored) == ["before", "after"], "failed batches left nothing behind")
        }
    }

    @Test func aReadOnlyFileFailsBatchesAndMaintenanceThenRecovers() async throws {
        try await withStore { store, recorder, _ async throws in
            store.append(privateMessage("for bob", from: "alice", to: "bob"), holdForRecipient: true)
            await store.flush()
            try await store.executeOnWriter("PRAGMA query_only = ON")

            await appendAll([channelMessage("refused 1"), channelMessage("refused 2")], to: store)
            // One batch or two, as the writer happened to wake: each fails, and says why.
            #expect(!recorder.failures.isEmpty && recorder.failures.allSatisfy { $0.code == .readOnly })
            #expect(recorder.failures.first?.description.contains("read-only") == true)

            let pending = try await store.undelivered(for: "bob", limit: 10)
            let error = await #expect(throws: HistoryStoreError.self) {
                try await store.markDelivered(pending.map(\.id), for: "bob")
            }
            #expect(error?.code == .readOnly)
            let pruneError = await #expect(throws: HistoryStoreError.self) {
                try await store.prune(HistoryRetention(cutoff: .max))
            }
            #expect(pruneError?.code == .readOnly)

            try await store.executeOnWriter("PRAGMA query_only = OFF")
            await appendAll([channelMessage("accepted")], to: store)
            #expect(recorder.outcomes.last?.committed == true)
            #expect(try await store.markDelivered(pending.map(\.id), for: "bob") == pending.map(\.id))
            let stored = try await store.messages(in: .channel("#ops"), .latest(after: nil), limit: 10)
            #expect(texts(stored) == ["accepted"])
        }
    }

    @Test func aClosedStoreFailsQueriesAndMaintenanceWithoutCrashing() async throws {
        try await withTemporaryDirectory { directory in
            let (store, _) = try openStore(in: directory)
            await appendAll([channelMessage("kept")], to: store)
            await store.close()
            let read = await #expect(throws: HistoryStoreError.self) {
                try await store.messages(in: .channel("#ops"), .latest(after: nil), limit: 10)
            }
            #expect(read?.code == .readFailed)
            await #expect(throws: HistoryStoreError.self) {
                try await store.markDelivered([MessageID(epoch: 1, counter: 0)], for: "bob")
            }
            await #expect(throws: HistoryStoreError.self) {
                try await store.effectiveDurability()
            }
            await store.close()
        }
    }
}
