import Logging
import NIOConcurrencyHelpers

/// A log that keeps every line in memory, for tests that check what the server logs.
public final class CapturedLog: Sendable {
    private let entries = NIOLockedValueBox<[String]>([])

    public init() {}

    /// Every message logged so far, in order.
    public var messages: [String] { self.entries.withLockedValue { $0 } }

    /// Whether a message logged so far contains `text`.
    public func contains(_ text: String) -> Bool {
        self.entries.withLockedValue { $0.contains { $0.contains(text) } }
    }

    /// A logger at `level` that writes here.
    public func logger(level: Logger.Level = .info) -> Logger {
        var logger = Logger(label: "captured") { _ in Handler(log: self) }
        logger.logLevel = level
        return logger
    }

    fileprivate func append(_ message: String) {
        self.entries.withLockedValue { $0.append(message) }
    }

    private struct Handler: LogHandler {
        let log: CapturedLog
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { self.metadata[key] }
            set { self.metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            self.log.append(event.message.description)
        }
    }
}
