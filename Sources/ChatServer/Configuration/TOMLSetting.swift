import HistoryStore
import IRC
import Logging
import TLS

/// One key of the configuration file and how it changes the configuration.
///
/// The tables below are the whole file format: adding a setting is adding a line.
struct TOMLSetting: Sendable {
    let key: String
    let apply: @Sendable (inout ServerConfiguration, TOMLField) throws(ConfigurationError) -> Void

    init(_ key: String, _ apply: @escaping @Sendable (inout ServerConfiguration, TOMLField) throws(ConfigurationError) -> Void) {
        self.key = key
        self.apply = apply
    }

    /// A key whose value, as `read` takes it from the field, becomes `property`.
    init<Value>(
        _ key: String,
        _ property: any WritableKeyPath<ServerConfiguration, Value> & Sendable,
        _ read: @escaping @Sendable (TOMLField) throws(ConfigurationError) -> Value
    ) {
        self.init(key) { configuration, field throws(ConfigurationError) in
            configuration[keyPath: property] = try read(field)
        }
    }

    /// The name of the table holding ``limits``.
    static let limitsTable = "limits"

    /// Every table of the file, by name.
    static let tables: [(name: String, settings: [TOMLSetting])] = [
        (limitsTable, limits), ("history", history), ("metrics", metrics), ("health", health),
        ("moderation", moderation),
    ]

    /// Keys of the `[metrics]` table.
    static let metrics: [TOMLSetting] = [
        TOMLSetting("listen", \.metrics.listen) { field throws(ConfigurationError) in try field.listenAddress() },
        TOMLSetting("allow", \.metrics.allow) { field throws(ConfigurationError) in try field.fingerprints() },
    ]

    /// Keys of the `[health]` table.
    static let health: [TOMLSetting] = [
        TOMLSetting("listen", \.metrics.healthListen) { field throws(ConfigurationError) in try field.listenAddress() }
    ]

    /// Keys of the `[moderation]` table.
    static let moderation: [TOMLSetting] = [
        TOMLSetting("filter", \.moderation.filterPath) { field throws(ConfigurationError) in try field.optionalPath() },
        TOMLSetting("audit_text", \.moderation.auditText) { field throws(ConfigurationError) in try field.boolean() },
    ]

    /// Keys of the `[history]` table.
    static let history: [TOMLSetting] = [
        TOMLSetting("enabled", \.history.enabled) { field throws(ConfigurationError) in try field.boolean() },
        TOMLSetting("durability", \.history.durability) { field throws(ConfigurationError) in
            try field.choice(of: HistoryDurability.self)
        },
        TOMLSetting("replay_on_join", \.history.replayOnJoin) { field throws(ConfigurationError) in
            try field.integer(in: 0...100)
        },
        TOMLSetting("replay_max_age", \.history.replayMaxAge) { field throws(ConfigurationError) in
            try field.seconds(atMost: 365 * 86_400)
        },
        TOMLSetting("retention") { configuration, field throws(ConfigurationError) in
            configuration.history.retention = try field.seconds(atMost: 100 * 365 * 86_400)
        },
        TOMLSetting("max_messages_per_target") { configuration, field throws(ConfigurationError) in
            configuration.history.maxMessagesPerTarget = try field.integer(in: 0...Int.max)
        },
    ]

    /// Top-level keys, named like the command-line flags.
    static let root: [TOMLSetting] = [
        TOMLSetting("host", \.host) { field throws(ConfigurationError) in try field.address() },
        TOMLSetting("port", \.port) { field throws(ConfigurationError) in try field.integer(in: 1...65_535) },
        TOMLSetting("cert", \.certificatePath) { field throws(ConfigurationError) in try field.path() },
        TOMLSetting("key", \.privateKeyPath) { field throws(ConfigurationError) in try field.path() },
        TOMLSetting("key_passphrase_file", \.privateKeyPassphraseFile) { field throws(ConfigurationError) in
            try field.optionalPath()
        },
        TOMLSetting("client_ca", \.clientCAPath) { field throws(ConfigurationError) in try field.path() },
        TOMLSetting("crl", \.crlPath) { field throws(ConfigurationError) in try field.optionalPath() },
        TOMLSetting("allowlist", \.allowlistPath) { field throws(ConfigurationError) in try field.path() },
        TOMLSetting("data_dir", \.dataDirectory) { field throws(ConfigurationError) in try field.path() },
        TOMLSetting("logs_dir", \.logsDirectory) { field throws(ConfigurationError) in try field.path() },
        TOMLSetting("server_name", \.serverName) { field throws(ConfigurationError) in try field.word() },
        TOMLSetting("network_name", \.networkName) { field throws(ConfigurationError) in try field.word() },
        TOMLSetting("default_channel") { configuration, field throws(ConfigurationError) in
            let channel = try field.string()
            guard channel.isEmpty || IRCName.isValidChannelName(channel) else {
                throw field.invalid(
                    "must be a channel name starting with # and without spaces or commas (or \"\" for none), "
                        + "not \"\(channel)\"")
            }
            configuration.defaultChannel = channel
        },
        TOMLSetting("motd", \.motdPath) { field throws(ConfigurationError) in try field.optionalPath() },
        TOMLSetting("log_level", \.logLevel) { field throws(ConfigurationError) in
            try field.choice(of: Logger.Level.self)
        },
        TOMLSetting("log_format", \.logFormat) { field throws(ConfigurationError) in
            try field.choice(of: ServerConfiguration.LogFormat.self)
        },
        TOMLSetting("drain_seconds", \.metrics.drain) { field throws(ConfigurationError) in try field.secondsOrZero() },
        TOMLSetting("min_tls_version", \.minimumTLSVersion) { field throws(ConfigurationError) in
            try field.choice(of: TLSMinimumVersion.self)
        },
    ]

    /// Keys of the `[limits]` table; durations in seconds.
    static let limits: [TOMLSetting] = [
        TOMLSetting("handshake_timeout", \.limits.handshakeTimeout) { field throws(ConfigurationError) in
            try field.seconds()
        },
        TOMLSetting("registration_timeout", \.limits.registrationTimeout) { field throws(ConfigurationError) in
            try field.seconds()
        },
        TOMLSetting("ping_interval", \.limits.pingInterval) { field throws(ConfigurationError) in try field.seconds() },
        TOMLSetting("ping_timeout", \.limits.pingTimeout) { field throws(ConfigurationError) in try field.seconds() },
        TOMLSetting("max_lines_before_registration", \.limits.maxLinesBeforeRegistration) { field throws(ConfigurationError) in
            try field.integer(in: 1...Int.max)
        },
        TOMLSetting("flood_burst", \.limits.floodBurst) { field throws(ConfigurationError) in
            try field.integer(in: 1...Int.max)
        },
        TOMLSetting("flood_rate", \.limits.floodRate) { field throws(ConfigurationError) in
            try field.positiveNumber(atMost: 1_000_000)
        },
        TOMLSetting("flood_disconnect_after", \.limits.floodDisconnectAfter) { field throws(ConfigurationError) in
            try field.seconds()
        },
        TOMLSetting("sendq", \.limits.sendQueueBytes) { field throws(ConfigurationError) in
            try field.integer(in: ServerConfiguration.Limits.minimumSendQueueBytes...Int.max)
        },
        TOMLSetting("io_threads", \.limits.ioThreads) { field throws(ConfigurationError) in
            try field.integer(in: 1...1024)
        },
        TOMLSetting("handshakes_per_turn", \.limits.handshakesPerTurn) { field throws(ConfigurationError) in
            try field.integer(in: 1...Int.max)
        },
        TOMLSetting("handshake_threads", \.limits.handshakeThreads) { field throws(ConfigurationError) in
            try field.integer(in: 0...1024)
        },
        TOMLSetting("max_connections", \.limits.maxConnections) { field throws(ConfigurationError) in
            try field.integer(in: 1...Int.max)
        },
        TOMLSetting("max_connections_per_address", \.limits.maxConnectionsPerAddress) { field throws(ConfigurationError) in
            try field.integer(in: 1...Int.max)
        },
        TOMLSetting("max_handshakes", \.limits.maxHandshakes) { field throws(ConfigurationError) in
            try field.integer(in: 1...Int.max)
        },
        TOMLSetting("max_handshakes_per_address", \.limits.maxHandshakesPerAddress) { field throws(ConfigurationError) in
            try field.integer(in: 1...Int.max)
        },
        TOMLSetting("busy_handshake_timeout", \.limits.busyHandshakeTimeout) { field throws(ConfigurationError) in
            try field.seconds()
        },
        TOMLSetting("max_sessions_per_nick", \.limits.maxSessionsPerNick) { field throws(ConfigurationError) in
            try field.integer(in: 1...Int.max)
        },
        TOMLSetting("exempt_loopback", \.limits.exemptLoopbackFromAddressLimit) { field throws(ConfigurationError) in
            try field.boolean()
        },
        TOMLSetting("expiry_warning_days", \.limits.expiryWarningDays) { field throws(ConfigurationError) in
            try field.integer(in: 0...3650)
        },
    ]
}
