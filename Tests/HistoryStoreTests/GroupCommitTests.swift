import Foundation
import GRDB
import Testing

@testable import HistoryStore

@Suite("Group commit")
struct GroupCommitTests {
    @Test func manyAppendsCommitInFewTransactions() async throws {
        try await withStore { store, recorder, _ async throws in
            store.suspendWriter()
            let records = (0..<500).map { store.append(channelMessage("m\($0)")) }
            #expect(recorder.outcomes.isEmpty, "nothing reported while the writer is held")
            store.resumeWriter()
            await store.flush()

            let statistics = store.statistics
            #expect(statistics.committedRecords == 500)
            #expect(statistics.committedBatches <= 2, "one transaction for what was queued, maybe one more for a drain already under way")
            #expect(recorder.committedIDs == records.map(\.id), "each reported once, in append order")
        }
    }

    @Test func aBatchHoldsAtMostTheMaximum() async throws {
        try await withTemporaryDirectory { directory in
            let (store, recorder) = try openStore(in: directory, maximumBatchSize: 100)
            store.suspendWriter()
            for index in 0..<350 { store.append(channelMessage("m\(index)")) }
            store.resumeWriter()
            await store.flush()
            // The first batch may have been taken before the hold, with what had arrived.
            let sizes = recorder.outcomes.map(\.ids.count)
            #expect(sizes.reduce(0, +) == 350 && sizes.allSatisfy { $0 <= 100 } && sizes.count <= 5, "\(sizes)")
            #expect(sizes.dropFirst().dropLast().allSatisfy { $0 == 100 }, "full batches while a backlog waits: \(sizes)")
            await store.close()
        }
    }

    /// Each completion is checked from a connection of its own: every ID it reports
    /// is already readable there, so the commit happened before the report.
    @Test func completionsComeOnlyAfterTheCommit() async throws {
        try await withTemporaryDirectory { directory in
            let path = HistoryStoreConfiguration(directory: directory).path
            let missing = Locked<[MessageID]>([])
            let (store, recorder) = try openStore(in: directory, maximumBatchSize: 64) { outcome in
                guard outcome.committed else { return }
                do {
                    let reader = try independentReader(path)
                    let found = try reader.read { db in
                        try Int64.fetchSet(db, sql: "SELECT seq FROM event")
                    }
                    missing.withLock { $0 += outcome.ids.filter { !found.contains($0.rawValue) } }
                    try reader.close()
                } catch {
                    missing.withLock { $0 += outcome.ids }
                }
            }
            for round in 0..<5 {
                for index in 0..<100 { store.append(channelMessage("r\(round) m\(index)")) }
                await store.flush()
            }
            #expect(recorder.committedIDs.count == 500)
            #expect(missing.withLock { $0 }.isEmpty)
            await store.close()
        }
    }

    @Test func appendsAfterCloseAreReportedFailedAndNotStored() async throws {
        try await withTemporaryDirectory { directory in
            let (store, recorder) = try openStore(in: directory)
            let kept = store.append(channelMessage("before close"))
            await store.close()
            let late = store.append(channelMessage("after close"))
            for _ in 0..<200 where recorder.outcomes.count < 2 {
                try await Task.sleep(for: .milliseconds(10))
            }
            #expect(recorder.committedIDs == [kept.id])
            let failure = try #require(recorder.outcomes.last)
            #expect(failure.ids == [late.id])
            #expect(recorder.failures.map(\.code) == [.closed])

            let (reopened, _) = try openStore(in: directory)
            let stored = try await reopened.messages(in: .channel("#ops"), .latest(after: nil), limit: 10)
            #expect(texts(stored) == ["before close"])
            await reopened.close()
        }
    }
}
