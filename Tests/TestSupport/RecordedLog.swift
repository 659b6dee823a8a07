import Logging
import NIOConcurrencyHelpers

/// What a test server logged at ``RecordedLog/level`` and above, for tests that check
/// what an operator would read.
public final class RecordedLog: Sendable {
    /// The lowest level kept.
    public static let level: Logger.Level = .notice
    private let entries = NIOLockedValueBox<[String]>([])

    public init() {}

    /// Every kept line, `level message`, in order.
    public var lines: [String] {
        self.entries.withLockedValue { $0 }
    }

    /// Whether a kept line contains `text`.
    public func contains(_ text: String) -> Bool {
        self.entries.withLockedValue { $0.contains { $0.contains(text) } }
    }

    /// A handler that appends to this log.
    func handler(label: String) -> some LogHandler {
        RecordingLogHandler(log: self)
    }

    fileprivate func append(_ line: String) {
        self.entries.withLockedValue { $0.append(line) }
    }
}

private struct RecordingLogHandler: LogHandler {
    let log: RecordedLog
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = RecordedLog.level

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { self.metadata[key] }
        set { self.metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        self.log.append("\(event.level) \(event.message)")
    }
}
