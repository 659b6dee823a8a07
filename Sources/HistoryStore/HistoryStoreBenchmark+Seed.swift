import Foundation
import GRDB

extension HistoryStoreBenchmark {
    /// What ``seed(directory:count:channels:textBytes:)`` stored, and how fast.
    public struct SeedResult: Sendable {
        public var messages: Int
        public var seconds: Double
        public var statistics: HistoryStoreStatistics
    }

    /// Fills the store in `directory` (made if missing, as the server would) with `count`
    /// channel messages, spread round-robin over `channels` (folded names), their server
    /// times one millisecond apart and ending now, so retention keeps them all.
    ///
    /// For a benchmark's large store, not for the server: it commits with
    /// `synchronous=NORMAL` in batches of 10,000, and no other process may write the file
    /// meanwhile (run it before the server starts).
    ///
    /// - Throws: ``HistoryStoreError`` when the store cannot be opened, or `writeFailed`
    ///   when any batch failed (the disk is full, the file read-only).
    public static func seed(directory: URL, count: Int, channels: [String], textBytes: Int = 100) async throws -> SeedResult {
        let channels = channels.isEmpty ? ["#seed"] : channels
        let chunk = 50_000
        var configuration = HistoryStoreConfiguration(directory: directory)
        configuration.durability = .normal
        configuration.highWaterMark = chunk + 1
        configuration.lowWaterMark = 0
        configuration.maximumBatchSize = 10_000
        let store = try HistoryStore(configuration: configuration, onBatch: { _ in })
        let clock = ContinuousClock()
        let start = clock.now
        let end = Int64(Date().timeIntervalSince1970 * 1000)
        let padding = String(repeating: "x", count: max(0, textBytes - 24))
        var index = 0
        while index < count {
            // A chunk at a time, so the queue (every record in memory) stays small.
            for _ in 0..<min(chunk, count - index) {
                let channel = channels[index % channels.count]
                let sender = "seed\(index % 50)"
                store.append(HistoryEvent(
                    time: end - Int64(count - index),
                    kind: .privmsg,
                    source: "\(sender)!\(sender)@bench",
                    senderKey: sender,
                    target: .channel(key: channel, display: channel),
                    text: "seed \(index) \(padding)"
                ))
                index += 1
            }
            await store.flush()
        }
        let statistics = store.statistics
        await store.close()
        guard statistics.failedRecords == 0 else {
            throw HistoryStoreError(
                .writeFailed,
                "\(configuration.path): \(statistics.failedRecords) of \(count) seeded messages were not stored; is the disk full?")
        }
        return SeedResult(messages: count, seconds: Self.seconds(clock.now - start), statistics: statistics)
    }

    /// The texts stored for `conversation` in the database file at `path`, in stored
    /// order, read through a read-only connection: the server may be running and writing.
    ///
    /// - Throws: ``HistoryStoreError`` `readFailed` (no such file, not a history database).
    public static func storedTexts(databaseAt path: String, in conversation: HistoryConversation) throws -> [String] {
        var configuration = Configuration()
        configuration.readonly = true
        do {
            let queue = try DatabaseQueue(path: path, configuration: configuration)
            defer { try? queue.close() }
            return try queue.read { db in
                try String.fetchAll(
                    db, sql: "SELECT text FROM event WHERE conversation = ? ORDER BY seq",
                    arguments: [conversation.storageKey])
            }
        } catch {
            throw HistoryStoreError.reading(error, path: path)
        }
    }
}
