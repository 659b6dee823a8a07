extension ServerConfiguration {
    /// The offensive-text filter and its audit log: the `[moderation]` table.
    public struct Moderation: Sendable, Equatable {
        /// The filter file (`[[rule]]` tables), reloaded when it changes and on SIGHUP;
        /// nil: no filter.
        public var filterPath: String?
        /// Whether the audit log keeps the text of a message a rule matched; by default
        /// it keeps the matched token only.
        public var auditText = false

        public init() {}
    }

    /// The logs directory: ``logsDirectory``, else `logs` beside the configuration file,
    /// else `logs` in the working directory.
    public var resolvedLogsDirectory: String {
        self.logsDirectory ?? "logs"
    }
}
