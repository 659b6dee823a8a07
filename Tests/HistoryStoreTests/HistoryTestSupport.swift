import Foundation
import GRDB
import Testing

@testable import HistoryStore

/// A fresh directory under the system's temporary directory, removed after `body`
/// whatever happens.
func withTemporaryDirectory<T>(_ body: (URL) async throws -> T) async throws -> T {
    let directory = FileManager.default.temporaryDirectory
        .appendingPathComponent("history-tests-\(UUID().uuidString)", isDirectory: true)
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: false)
    defer { try? FileManager.default.removeItem(at: directory) }
    return try await body(directory)
}

/// Everything a store reported through its callbacks, from any thread.
final class StoreRecorder: Sendable {
    private let batches = Locked<[HistoryBatchOutcome]>([])
    private let backlog = Locked<[Bool]>([])

    func record(_ outcome: HistoryBatchOutcome) { self.batches.withLock { $0.append(outcome) } }
    func recordBacklog(_ isBehind: Bool) { self.backlog.withLock { $0.append(isBehind) } }

    var outcomes: [HistoryBatchOutcome] { self.batches.withLock { $0 } }
    var backlogChanges: [Bool] { self.backlog.withLock { $0 } }
    var committedIDs: [MessageID] { self.outcomes.filter(\.committed).flatMap(\.ids) }
    var failures: [HistoryStoreError] {
        self.outcomes.compactMap { outcome in
            if case .failure(let error) = outcome.result { return error }
            return nil
        }
    }
}

/// A store in `directory` reporting to a new recorder.
func openStore(
    in directory: URL,
    durability: HistoryDurability = .full,
    highWaterMark: Int = 10_000,
    lowWaterMark: Int = 5_000,
    maximumBatchSize: Int = 2_000,
    sequencer: (any HistorySequencer)? = nil,
    onBatch: (@Sendable (HistoryBatchOutcome) -> Void)? = nil
) throws -> (HistoryStore, StoreRecorder) {
    let recorder = StoreRecorder()
    var configuration = HistoryStoreConfiguration(directory: directory)
    configuration.durability = durability
    configuration.highWaterMark = highWaterMark
    configuration.lowWaterMark = lowWaterMark
    configuration.maximumBatchSize = maximumBatchSize
    let store = try HistoryStore(
        configuration: configuration,
        sequencer: sequencer,
        onBatch: { outcome in
            onBatch?(outcome)
            recorder.record(outcome)
        },
        onBacklogChange: { recorder.recordBacklog($0) }
    )
    return (store, recorder)
}

/// Opens a store in a temporary directory, runs `body`, closes the store.
func withStore<T>(
    durability: HistoryDurability = .full,
    _ body: (HistoryStore, StoreRecorder, URL) async throws -> T
) async throws -> T {
    try await withTemporaryDirectory { directory in
        let (store, recorder) = try openStore(in: directory, durability: durability)
        do {
            let result = try await body(store, recorder, directory)
            await store.close()
            return result
        } catch {
            await store.close()
            throw error
        }
    }
}

/// A base time for test events: 2023-11-14T22:13:20.000Z.
let baseTime: Int64 = 1_700_000_000_000

/// A PRIVMSG from `nick` to `channel` at `time`.
func channelMessage(
    _ text: String,
    from nick: String = "alice",
    to channel: String = "#ops",
    at time: Int64 = baseTime,
    kind: HistoryKind = .privmsg,
    clientTags: String = ""
) -> HistoryEvent {
    HistoryEvent(
        time: time,
        kind: kind,
        source: "\(nick)!\(nick.lowercased())@localhost",
        senderKey: nick.lowercased(),
        account: nick.lowercased(),
        target: .channel(key: channel.lowercased(), display: channel),
        text: text,
        clientTags: clientTags
    )
}

/// A private PRIVMSG from `sender` to `recipient` at `time`.
func privateMessage(_ text: String, from sender: String, to recipient: String, at time: Int64 = baseTime) -> HistoryEvent {
    HistoryEvent(
        time: time,
        kind: .privmsg,
        source: "\(sender)!\(sender.lowercased())@localhost",
        senderKey: sender.lowercased(),
        target: .user(key: recipient.lowercased(), display: recipient),
        text: text
    )
}

/// Appends `events` and waits until their batches were reported.
@discardableResult
func appendAll(_ events: [HistoryEvent], to store: HistoryStore) async -> [HistoryRecord] {
    let records = events.map { store.append($0) }
    await store.flush()
    return records
}

/// The texts of `records`, to compare pages at a glance.
func texts(_ records: [HistoryRecord]) -> [String] {
    records.map(\.event.text)
}

/// A read-only connection of its own to the store's file, outside the store's pool.
func independentReader(_ path: String) throws -> DatabaseQueue {
    var configuration = Configuration()
    configuration.readonly = true
    return try DatabaseQueue(path: path, configuration: configuration)
}

/// Stores one channel message, `text`, in a store in `directory` and closes it, then runs
/// `sql` on the file directly, as something other than this store would have; returns
/// the file's path.
@discardableResult
func storeOneMessageThenAlter(
    in directory: URL, text: String, sql: String, arguments: StatementArguments = []
) async throws -> String {
    let (store, _) = try openStore(in: directory)
    await appendAll([channelMessage(text)], to: store)
    let path = store.path
    await store.close()
    let queue = try DatabaseQueue(path: path)
    try await queue.write { db in try db.execute(sql: sql, arguments: arguments) }
    try queue.close()
    return path
}
