import ArgumentParser
import ChatServer
import Foundation
import Logging
import ServerMetrics
import ServiceLifecycle
import TLS
import UnixSignals

/// `securechat-server [serve]`: runs the hub until SIGTERM/SIGINT.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the chat server (the default command).",
        discussion: """
            Examples:
              securechat-server serve --config /etc/securechat/server.toml
              securechat-server serve --config server.toml --port 7000 --log-format json
              securechat-server serve --host 127.0.0.1 --allowlist certs/allowlist \\
                  --cert certs/server/localhost.pem --key certs/server/localhost.key \\
                  --client-ca certs/ca.pem

            Settings come from --config (a TOML file whose keys are named like the
            flags: cert, client_ca, … and a [limits] table), then from flags, which
            win. Relative paths in the file are relative to the file's folder.

            Metrics: GET http://127.0.0.1:9697/metrics (Prometheus), /livez and /readyz;
            [metrics] listen in the file or --metrics-listen moves it or turns it off
            (""); elsewhere than loopback it is mutual TLS for the scrapers in
            [metrics] allow. On SIGTERM /readyz answers 503 at once and the chat
            goes on for drain_seconds (--drain-seconds) before shutting down.

            Allowlist: one "NICK FINGERPRINT" per line (# comments); FINGERPRINT is
            sha256:HEX (certificate; colons and case ignored), spki:HEX or
            sha256//BASE64 (public key). scripts/gen-certs.sh client NICK prints the
            line to add.

            Operators: an [operators] table in the TOML file lists nicks or quoted
            fingerprints with a class, alice = "admin" or "sha256:HEX" = "moderator";
            OPER needs no password. SIGHUP reloads the allowlist, the TLS files and
            [operators].
            """
    )

    @Option(help: "TOML configuration file; flags override its values.")
    var config: String?
    @Option(help: "Address to listen on (default 0.0.0.0).")
    var host: String?
    @Option(help: "Port to listen on (default 6697).")
    var port: Int?
    @Option(help: "Server certificate (PEM, optionally followed by intermediates).")
    var cert: String?
    @Option(help: "Server private key (PEM, mode 0600).")
    var key: String?
    @Option(help: "File holding the private key's passphrase, if the key is encrypted.")
    var keyPassphraseFile: String?
    @Option(help: "CA bundle that client certificates must chain to (PEM).")
    var clientCA: String?
    @Option(help: "Revocation list of client certificates (PEM).")
    var crl: String?
    @Option(help: "Allowlist binding nicknames to certificate fingerprints.")
    var allowlist: String?
    @Option(help: "Where the server keeps its history database (default: data/ beside the config file).")
    var dataDir: String?
    @Option(help: "Where the server writes moderation.jsonl (default: logs/ beside the config file).")
    var logsDir: String?
    @Option(help: "The server's name in IRC replies (default: this machine's host name).")
    var serverName: String?
    @Option(help: "The channel every user joins on registration (default #lobby).")
    var defaultChannel: String?
    @Option(help: "Message of the day file.")
    var motd: String?
    @Option(help: "trace, debug, info, notice, warning, error or critical (default info).")
    var logLevel: String?
    @Option(help: "text or json (default text).")
    var logFormat: String?
    @Flag(help: "Also accept TLS 1.2 (ECDHE with AEAD ciphers only).")
    var allowTLS12 = false
    @Option(help: "Serve /metrics, /livez and /readyz on host:port (default 127.0.0.1:9697; \"\" for off; elsewhere than loopback needs [metrics] allow).")
    var metricsListen: String?
    @Option(help: "Serve /livez and /readyz alone on this host:port, for a load balancer (default off).")
    var healthListen: String?
    @Option(help: "Seconds between SIGTERM (/readyz turns 503) and the goodbye to clients (default 0).")
    var drainSeconds: Int?

    func run() async throws {
        var settings = ServerConfiguration()
        if let config { try settings.apply(tomlAt: config) }
        // Each flag given overrides the file's setting.
        let settingsWithDefaults: [(String?, WritableKeyPath<ServerConfiguration, String>)] = [
            (host, \.host), (cert, \.certificatePath), (key, \.privateKeyPath), (clientCA, \.clientCAPath),
            (allowlist, \.allowlistPath), (serverName, \.serverName), (defaultChannel, \.defaultChannel),
        ]
        let settingsOffByDefault: [(String?, WritableKeyPath<ServerConfiguration, String?>)] = [
            (keyPassphraseFile, \.privateKeyPassphraseFile), (crl, \.crlPath), (dataDir, \.dataDirectory),
            (logsDir, \.logsDirectory), (motd, \.motdPath),
        ]
        for case let (value?, setting) in settingsWithDefaults { settings[keyPath: setting] = value }
        for case let (value?, setting) in settingsOffByDefault { settings[keyPath: setting] = value }
        if let port { settings.port = port }
        // A bad value is reported like every other configuration problem: one line and
        // exit status 1, not ArgumentParser's usage dump (which names no subcommand here).
        if let logLevel {
            guard let level = Logger.Level(rawValue: logLevel.lowercased()) else {
                let levels = Logger.Level.allCases.map(\.rawValue).joined(separator: ", ")
                throw ConfigurationError(.invalidValue, "--log-level \(logLevel) is not a log level; use one of: \(levels)")
            }
            settings.logLevel = level
        }
        if let logFormat {
            guard let format = ServerConfiguration.LogFormat(rawValue: logFormat.lowercased()) else {
                throw ConfigurationError(.invalidValue, "--log-format \(logFormat) is not a log format; use text or json")
            }
            settings.logFormat = format
        }
        if self.allowTLS12 { settings.minimumTLSVersion = .tls12 }
        if let metricsListen { settings.metrics.listen = try Self.listenAddress(metricsListen, flag: "--metrics-listen") }
        if let healthListen { settings.metrics.healthListen = try Self.listenAddress(healthListen, flag: "--health-listen") }
        if let drainSeconds { settings.metrics.drain = .seconds(drainSeconds) }

        let format = settings.logFormat
        let level = settings.logLevel
        LoggingSystem.bootstrap { label in
            var handler: any LogHandler =
                format == .json ? JSONLogHandler(label: label) : StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        let logger = Logger(label: "securechat-server")
        let server = try ChatServer(configuration: settings, logger: logger)
        let group = ServiceGroup(
            configuration: .init(
                services: [server],
                gracefulShutdownSignals: [.sigterm, .sigint],
                logger: logger
            )
        )
        // Trapped before the server listens: SIGHUP's default action ends the process, so a
        // reload sent as soon as "listening" is logged must not find it still untrapped.
        let hangups = await UnixSignalsSequence(trapping: .sighup)
        try await withThrowingDiscardingTaskGroup { tasks in
            tasks.addTask {
                for await _ in hangups {
                    logger.notice("SIGHUP: reloading the allowlist, the TLS files, [operators] and the filter")
                    server.reload()
                }
            }
            try await group.run()
            tasks.cancelAll()
        }
    }

    /// `host:port` from a flag, or nil for "" (off).
    private static func listenAddress(_ text: String, flag: String) throws -> ListenAddress? {
        if text.isEmpty { return nil }
        guard let address = ListenAddress(parsing: text) else {
            throw ConfigurationError(.invalidValue, "\(flag) \(text) is not host:port; use e.g. 127.0.0.1:9697, [::1]:9697, or \"\" for off")
        }
        return address
    }
}
