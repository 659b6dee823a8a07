import Foundation

/// How hard a commit works to survive a power cut.
public enum HistoryDurability: String, Hashable, Sendable, CaseIterable {
    /// `PRAGMA synchronous=FULL`: a batch reported committed survives a power cut.
    case full
    /// `PRAGMA synchronous=NORMAL`: a batch survives a crash of the server but may be
    /// lost, whole, in a power cut; commits cost fewer disk syncs.
    case normal

    /// The value `PRAGMA synchronous` takes and reports for this mode.
    var synchronousValue: Int {
        switch self {
        case .full: 2
        case .normal: 1
        }
    }
}

/// Where the store keeps its file and how it commits. Every field has a default.
public struct HistoryStoreConfiguration: Sendable {
    /// The data directory; made (mode 0700) if it does not exist.
    public var directory: URL
    /// The database file's name inside ``directory``.
    public var fileName: String
    public var durability: HistoryDurability
    /// Queued appends (including the batch being committed) at and above which the
    /// store reports it is behind, so the server pauses senders.
    public var highWaterMark: Int
    /// Queued appends at and below which a store that was behind reports it caught up.
    public var lowWaterMark: Int
    /// The most appends one transaction commits; the rest wait for the next.
    public var maximumBatchSize: Int
    /// Reader connections for queries.
    public var readerCount: Int
    /// How long a write waits for another process's write transaction on the same file
    /// (`securechat-server history purge` beside a running server) before it fails.
    public var busyTimeout: Duration

    public init(
        directory: URL,
        fileName: String = "history.sqlite",
        durability: HistoryDurability = .full,
        highWaterMark: Int = 10_000,
        lowWaterMark: Int = 5_000,
        maximumBatchSize: Int = 2_000,
        readerCount: Int = 4,
        busyTimeout: Duration = .seconds(5)
    ) {
        self.directory = directory
        self.fileName = fileName
        self.durability = durability
        self.highWaterMark = highWaterMark
        self.lowWaterMark = lowWaterMark
        self.maximumBatchSize = maximumBatchSize
        self.readerCount = readerCount
        self.busyTimeout = busyTimeout
    }

    /// The database file's path.
    public var path: String {
        self.directory.appendingPathComponent(self.fileName).path
    }
}
