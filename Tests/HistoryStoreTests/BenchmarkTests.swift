import Foundation
import Testing

@testable import HistoryStore

/// Runs the append benchmark small enough for every test run and prints what it
/// measured; the numbers vary with the disk, so nothing is asserted about them.
@Suite("Benchmark")
struct BenchmarkTests {
    @Test(arguments: HistoryDurability.allCases)
    func appendRateIsMeasuredAndEveryAppendCommits(durability: HistoryDurability) async throws {
        try await withTemporaryDirectory { directory in
            let result = try await HistoryStoreBenchmark.run(
                directory: directory,
                durability: durability,
                count: 5_000,
                channels: 10,
                queries: 50
            )
            print("history store, synchronous=\(durability.rawValue): \(result)")
            #expect(result.statistics.committedRecords == 5_000)
            #expect(result.statistics.failedRecords == 0)
            #expect(result.queries == 50)
        }
    }
}
