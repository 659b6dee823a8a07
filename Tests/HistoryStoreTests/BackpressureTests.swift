import Foundation
import Testing

@testable import HistoryStore

@Suite("Backpressure and the writer hooks")
struct BackpressureTests {
    @Test func aStalledWriterMakesTheStoreBehindUntilItCatchesUp() async throws {
        try await withTemporaryDirectory { directory in
            let (store, recorder) = try openStore(in: directory, highWaterMark: 100, lowWaterMark: 10)
            store.suspendWriter()
            for index in 0..<99 { store.append(channelMessage("m\(index)")) }
            #expect(!store.isBehind)
            #expect(recorder.backlogChanges.isEmpty)
            store.append(channelMessage("the hundredth"))
            #expect(store.isBehind)
            #expect(recorder.backlogChanges == [true], "reported inside the append that crossed")
            for index in 0..<50 { store.append(channelMessage("more \(index)")) }
            #expect(store.backlog == 150)
            #expect(recorder.backlogChanges == [true], "reported once")
            #expect(recorder.outcomes.isEmpty)

            store.resumeWriter()
            await store.flush()
            #expect(!store.isBehind)
            #expect(store.backlog == 0)
            #expect(recorder.backlogChanges == [true, false])
            #expect(recorder.committedIDs.count == 150)
            await store.close()
        }
    }

    /// With the writer sleeping before each transaction, a burst of appends returns
    /// before the first one commits: the caller never waits for the disk.
    @Test func appendsDoNotWaitForASlowWriter() async throws {
        try await withStore { store, recorder, _ async throws in
            store.setWriterDelay(.milliseconds(500))
            let clock = ContinuousClock()
            let start = clock.now
            let records = (0..<200).map { store.append(channelMessage("m\($0)")) }
            let appending = clock.now - start
            #expect(recorder.outcomes.isEmpty, "appending took \(appending), and nothing has committed yet")
            #expect(store.backlog == 200)
            await store.flush()
            #expect(recorder.committedIDs == records.map(\.id))
            #expect(store.statistics.committedBatches <= 2)
            store.setWriterDelay(.zero)
        }
    }
}
