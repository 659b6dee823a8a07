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

        public init() {}
    }

    /// The data directory: ``dataDirectory``, else `data` beside the configuration file,
    /// else `data` in the working directory.
    public var resolvedDataDirectory: String {
        self.dataDirectory ?? "data"
    }
}
