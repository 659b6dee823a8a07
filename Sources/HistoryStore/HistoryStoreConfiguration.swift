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
    public var fileName = "history.sqlite"
    public var durability = HistoryDurability.full
    /// Queued appends (including the batch being committed) at and above which the
    /// store reports it is behind, so the server pauses senders.
    public var highWaterMark = 10_000
    /// Queued appends at and below which a store that was behind reports it caught up.
    public var lowWaterMark = 5_000
    /// The most appends one transaction commits; the rest wait for the next.
    public var maximumBatchSize = 2_000
    /// Reader connections for queries.
    public var readerCount = 4
    /// How long a write waits for another process's write transaction on the same file
    /// (`securechat-server history purge` beside a running server) before it fails.
    public var busyTimeout = Duration.seconds(5)

    /// The settings for a store in `directory`, every other field at its default.
    public init(directory: URL) {
        self.directory = directory
    }

    /// The database file's path.
    public var path: String {
        self.directory.appendingPathComponent(self.fileName).path
    }
}
