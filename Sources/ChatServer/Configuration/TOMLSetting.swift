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

    /// The name of the table holding ``limits``.
    static let limitsTable = "limits"

    /// Every table of the file, by name.
    static let tables: [(name: String, settings: [TOMLSetting])] = [(limitsTable, limits), ("history", history)]

    /// Keys of the `[history]` table.
    static let history: [TOMLSetting] = [
        TOMLSetting("enabled") { configuration, field throws(ConfigurationError) in
            configuration.history.enabled = try field.boolean()
        },
        TOMLSetting("durability") { configuration, field throws(ConfigurationError) in
            configuration.history.durability = try field.choice(of: HistoryDurability.self)
        },
        TOMLSetting("replay_on_join") { configuration, field throws(ConfigurationError) in
            configuration.history.replayOnJoin = try field.integer(in: 0...100)
        },
        TOMLSetting("replay_max_age") { configuration, field throws(ConfigurationError) in
            configuration.history.replayMaxAge = try field.seconds(atMost: 365 * 86_400)
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
        TOMLSetting("host") { configuration, field throws(ConfigurationError) in
            configuration.host = try field.address()
        },
        TOMLSetting("port") { configuration, field throws(ConfigurationError) in
            configuration.port = try field.integer(in: 1...65_535)
        },
        TOMLSetting("cert") { configuration, field throws(ConfigurationError) in
            configuration.certificatePath = try field.path()
        },
        TOMLSetting("key") { configuration, field throws(ConfigurationError) in
            configuration.privateKeyPath = try field.path()
        },
        TOMLSetting("key_passphrase_file") { configuration, field throws(ConfigurationError) in
            configuration.privateKeyPassphraseFile = try field.optionalPath()
        },
        TOMLSetting("client_ca") { configuration, field throws(ConfigurationError) in
            configuration.clientCAPath = try field.path()
        },
        TOMLSetting("crl") { configuration, field throws(ConfigurationError) in
            configuration.crlPath = try field.optionalPath()
        },
        TOMLSetting("allowlist") { configuration, field throws(ConfigurationError) in
            configuration.allowlistPath = try field.path()
        },
        TOMLSetting("data_dir") { configuration, field throws(ConfigurationError) in
            configuration.dataDirectory = try field.path()
        },
        TOMLSetting("server_name") { configuration, field throws(ConfigurationError) in
            configuration.serverName = try field.word()
        },
        TOMLSetting("network_name") { configuration, field throws(ConfigurationError) in
            configuration.networkName = try field.word()
        },
        TOMLSetting("default_channel") { configuration, field throws(ConfigurationError) in
            let channel = try field.string()
            guard channel.isEmpty || IRCName.isValidChannelName(channel) else {
                throw field.invalid(
                    "must be a channel name starting with # and without spaces or commas (or \"\" for none), "
                        + "not \"\(channel)\"")
            }
            configuration.defaultChannel = channel
        },
        TOMLSetting("motd") { configuration, field throws(ConfigurationError) in
            configuration.motdPath = try field.optionalPath()
        },
        TOMLSetting("log_level") { configuration, field throws(ConfigurationError) in
            configuration.logLevel = try field.choice(of: Logger.Level.self)
        },
        TOMLSetting("log_format") { configuration, field throws(ConfigurationError) in
            configuration.logFormat = try field.choice(of: ServerConfiguration.LogFormat.self)
        },
        TOMLSetting("min_tls_version") { configuration, field throws(ConfigurationError) in
            configuration.minimumTLSVersion = try field.choice(of: TLSMinimumVersion.self)
        },
    ]

    /// Keys of the `[limits]` table; durations in seconds.
    static let limits: [TOMLSetting] = [
        TOMLSetting("handshake_timeout") { configuration, field throws(ConfigurationError) in
            configuration.limits.handshakeTimeout = try field.seconds()
        },
        TOMLSetting("registration_timeout") { configuration, field throws(ConfigurationError) in
            configuration.limits.registrationTimeout = try field.seconds()
        },
        TOMLSetting("ping_interval") { configuration, field throws(ConfigurationError) in
            configuration.limits.pingInterval = try field.seconds()
        },
        TOMLSetting("ping_timeout") { configuration, field throws(ConfigurationError) in
            configuration.limits.pingTimeout = try field.seconds()
        },
        TOMLSetting("max_lines_before_registration") { configuration, field throws(ConfigurationError) in
            configuration.limits.maxLinesBeforeRegistration = try field.integer(in: 1...Int.max)
        },
        TOMLSetting("flood_burst") { configuration, field throws(ConfigurationError) in
            configuration.limits.floodBurst = try field.integer(in: 1...Int.max)
        },
        TOMLSetting("flood_rate") { configuration, field throws(ConfigurationError) in
            configuration.limits.floodRate = try field.positiveNumber(atMost: 1_000_000)
        },
        TOMLSetting("flood_disconnect_after") { configuration, field throws(ConfigurationError) in
            configuration.limits.floodDisconnectAfter = try field.seconds()
        },
        TOMLSetting("sendq") { configuration, field throws(ConfigurationError) in
            configuration.limits.sendQueueBytes = try field.integer(
                in: ServerConfiguration.Limits.minimumSendQueueBytes...Int.max)
        },
        TOMLSetting("io_threads") { configuration, field throws(ConfigurationError) in
            configuration.limits.ioThreads = try field.integer(in: 1...1024)
        },
        TOMLSetting("handshakes_per_turn") { configuration, field throws(ConfigurationError) in
            configuration.limits.handshakesPerTurn = try field.integer(in: 1...Int.max)
        },
        TOMLSetting("max_connections") { configuration, field throws(ConfigurationError) in
            configuration.limits.maxConnections = try field.integer(in: 1...Int.max)
        },
        TOMLSetting("max_connections_per_address") { configuration, field throws(ConfigurationError) in
            configuration.limits.maxConnectionsPerAddress = try field.integer(in: 1...Int.max)
        },
        TOMLSetting("max_sessions_per_nick") { configuration, field throws(ConfigurationError) in
            configuration.limits.maxSessionsPerNick = try field.integer(in: 1...Int.max)
        },
        TOMLSetting("exempt_loopback") { configuration, field throws(ConfigurationError) in
            configuration.limits.exemptLoopbackFromAddressLimit = try field.boolean()
        },
        TOMLSetting("expiry_warning_days") { configuration, field throws(ConfigurationError) in
            configuration.limits.expiryWarningDays = try field.integer(in: 0...3650)
        },
    ]
}
