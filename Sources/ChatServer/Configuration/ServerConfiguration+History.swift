import Foundation
import HistoryStore

extension ServerConfiguration {
    /// What the server remembers: the `[history]` table.
    public struct History: Sendable, Equatable {
        /// Whether messages are stored at all. Off, nothing is written and CHATHISTORY
        /// answers with empty batches.
        public var enabled = true
        /// `full`: a message is acknowledged (echoed to its sender) only once SQLite
        /// synced it, so it survives power loss; `normal`: once it is in the write-ahead
        /// log, so it survives a crash of the server but maybe not of the machine.
        public var durability: HistoryDurability = .full
        /// Messages of a channel replayed on JOIN to clients without `draft/chathistory`
        /// (irssi, WeeChat); 0 turns it off.
        public var replayOnJoin = 20
        /// Only messages younger than this are replayed on JOIN.
        public var replayMaxAge: Duration = .seconds(24 * 3600)
        /// Messages older than this are deleted (hourly, in small transactions).
        public var retention: Duration = .seconds(90 * 86_400)
        /// At most this many messages are kept per channel or private conversation; 0: no cap.
        public var maxMessagesPerTarget = 0

        /// What the hourly pruning deletes, as of `now`.
        func pruning(now: Date) -> HistoryRetention {
            let cutoff = Int64(now.timeIntervalSince1970 * 1000) - Int64(self.retention / .milliseconds(1))
            return HistoryRetention(
                cutoff: cutoff, maximumMessagesPerTarget: self.maxMessagesPerTarget > 0 ? self.maxMessagesPerTarget : nil
            )
        }

        public init() {}
    }

    /// The data directory: ``dataDirectory``, else `data` beside the configuration file,
    /// else `data` in the working directory.
    public var resolvedDataDirectory: String {
        self.dataDirectory ?? "data"
    }
}
