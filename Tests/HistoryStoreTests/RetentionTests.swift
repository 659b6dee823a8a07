import Foundation
import GRDB
import Testing

@testable import HistoryStore

@Suite("Retention")
struct RetentionTests {
    private func count(_ store: HistoryStore) async throws -> Int {
        try await store.read { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM event") ?? -1 }
    }

    @Test func oldMessagesGoInBoundedChunks() async throws {
        try await withStore { store, _, _ async throws in
            await appendAll((0..<1000).map { channelMessage("old \($0)", at: baseTime + Int64($0)) }, to: store)
            await appendAll((0..<20).map { channelMessage("new \($0)", at: baseTime + 10_000 + Int64($0)) }, to: store)
            let report = try await store.prune(HistoryRetention(cutoff: baseTime + 10_000, chunkSize: 100))
            #expect(report.deletedByAge == 1000)
            #expect(report.largestTransaction == 100)
            #expect(report.transactions == 11, "ten full chunks, and one that finds nothing left")
            #expect(try await self.count(store) == 20)
            let oldest = try await store.messages(in: .channel("#ops"), .after(.timestamp(0)), limit: 1)
            #expect(texts(oldest) == ["new 0"])
        }
    }

    @Test func eachConversationKeepsItsNewestUpToTheCap() async throws {
        try await withStore { store, _, _ async throws in
            await appendAll((0..<250).map { channelMessage("ops \($0)", to: "#ops", at: baseTime + Int64($0)) }, to: store)
            await appendAll((0..<50).map { channelMessage("dev \($0)", to: "#dev", at: baseTime + Int64($0)) }, to: store)
            await appendAll((0..<120).map { privateMessage("dm \($0)", from: "alice", to: "bob", at: baseTime + Int64($0)) }, to: store)
            let report = try await store.prune(HistoryRetention(maximumMessagesPerTarget: 100, chunkSize: 40))
            #expect(report.deletedByCount == 150 + 20)
            #expect(report.largestTransaction <= 40)
            let ops = try await store.messages(in: .channel("#ops"), .after(.timestamp(0)), limit: 100)
            #expect(ops.count == 100)
            #expect(ops.first?.event.text == "ops 150")
            #expect(try await store.messages(in: .channel("#dev"), .latest(after: nil), limit: 100).count == 50)
            let dms = try await store.messages(in: .direct("bob", "alice"), .after(.timestamp(0)), limit: 100)
            #expect(dms.first?.event.text == "dm 20")
        }
    }

    @Test func heldOfflineMessagesGoWithTheirRows() async throws {
        try await withStore { store, _, _ async throws in
            store.append(privateMessage("old", from: "alice", to: "bob", at: baseTime), holdForRecipient: true)
            store.append(privateMessage("new", from: "alice", to: "bob", at: baseTime + 5000), holdForRecipient: true)
            await store.flush()
            _ = try await store.prune(HistoryRetention(cutoff: baseTime + 1000))
            #expect(texts(try await store.undelivered(for: "bob", limit: 10)) == ["new"])
        }
    }

    /// The writer sleeps before every transaction here, so pruning 200 chunks takes
    /// seconds; an append made meanwhile commits between two chunks, long before the
    /// pruning ends.
    @Test func appendsCommitBetweenChunks() async throws {
        try await withStore { store, recorder, _ async throws in
            await appendAll((0..<200).map { channelMessage("old \($0)", at: baseTime + Int64($0)) }, to: store)
            store.setWriterDelay(.milliseconds(10))
            let pruned = Locked(false)
            let pruning = Task {
                defer { pruned.withLock { $0 = true } }
                return try await store.prune(HistoryRetention(cutoff: baseTime + 1000, chunkSize: 1))
            }
            try await Task.sleep(for: .milliseconds(100))
            let record = store.append(channelMessage("during pruning", at: baseTime + 5000))
            await store.flush()
            #expect(recorder.committedIDs.last == record.id)
            #expect(!pruned.withLock { $0 }, "the append did not wait for the whole pruning")
            store.setWriterDelay(.zero)
            let report = try await pruning.value
            #expect(report.deletedByAge == 200)
        }
    }
}
