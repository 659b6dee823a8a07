import Foundation

/// Append and query rates of a store on this machine's disk, for a bench command or a
/// test to print. It measures; it asserts nothing.
public enum HistoryStoreBenchmark {
    public struct Result: Sendable, CustomStringConvertible {
        public var appends: Int
        /// From the first append until the last batch was reported.
        public var appendSeconds: Double
        /// How long the appending loop itself took: what the event loop pays.
        public var enqueueSeconds: Double
        public var statistics: HistoryStoreStatistics
        public var queries: Int
        /// Median and slowest LATEST (limit 100) query, in milliseconds.
        public var queryMedianMilliseconds: Double
        public var queryMaximumMilliseconds: Double

        public var appendsPerSecond: Double {
            self.appendSeconds > 0 ? Double(self.appends) / self.appendSeconds : 0
        }

        public var description: String {
            let rate = Int(self.appendsPerSecond.rounded())
            let perBatch = self.statistics.committedBatches > 0
                ? self.statistics.committedRecords / self.statistics.committedBatches : 0
            return """
                \(self.appends) appends in \(Self.format(self.appendSeconds * 1000)) ms (\(rate)/s), \
                loop paid \(Self.format(self.enqueueSeconds * 1000)) ms; \
                \(self.statistics.committedBatches) transactions, \(perBatch) per transaction on average, \
                largest \(self.statistics.largestBatch); \
                \(self.queries) LATEST queries: median \(Self.format(self.queryMedianMilliseconds)) ms, \
                max \(Self.format(self.queryMaximumMilliseconds)) ms
                """
        }

        private static func format(_ value: Double) -> String {
            String(format: "%.2f", value)
        }
    }

    /// Opens a store in `directory`, appends `count` channel messages over `channels`
    /// channels from one loop as fast as it can, waits for every batch, then times
    /// `queries` LATEST queries; closes the store.
    ///
    /// - Throws: ``HistoryStoreError`` if the store cannot be opened or a query fails.
    public static func run(
        directory: URL,
        durability: HistoryDurability = .full,
        count: Int = 10_000,
        channels: Int = 10,
        queries: Int = 100
    ) async throws -> Result {
        var configuration = HistoryStoreConfiguration(directory: directory)
        configuration.durability = durability
        configuration.highWaterMark = max(count + 1, 10_000)
        let store = try HistoryStore(configuration: configuration, onBatch: { _ in })
        let clock = ContinuousClock()
        let start = clock.now
        let text = String(repeating: "benchmark text ", count: 6)
        for index in 0..<max(0, count) {
            let channel = "#bench\(index % max(1, channels))"
            store.append(HistoryEvent(
                time: 1_700_000_000_000 + Int64(index),
                kind: .privmsg,
                source: "bench!b@localhost",
                senderKey: "bench",
                target: .channel(key: channel, display: channel),
                text: text
            ))
        }
        let enqueued = clock.now
        await store.flush()
        let committed = clock.now

        var durations: [Double] = []
        for index in 0..<max(0, queries) {
            let before = clock.now
            _ = try await store.messages(
                in: .channel("#bench\(index % max(1, channels))"),
                .latest(after: nil),
                limit: HistoryLimit.maximum
            )
            durations.append(Self.seconds(clock.now - before) * 1000)
        }
        let statistics = store.statistics
        await store.close()
        durations.sort()
        return Result(
            appends: max(0, count),
            appendSeconds: Self.seconds(committed - start),
            enqueueSeconds: Self.seconds(enqueued - start),
            statistics: statistics,
            queries: durations.count,
            queryMedianMilliseconds: durations.isEmpty ? 0 : durations[durations.count / 2],
            queryMaximumMilliseconds: durations.last ?? 0
        )
    }

    static func seconds(_ duration: Duration) -> Double {
        let (seconds, attoseconds) = duration.components
        return Double(seconds) + Double(attoseconds) / 1e18
    }
}
