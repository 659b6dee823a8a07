import Logging
import NIOCore
import ServerMetrics
import TLS

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Everything the server can be told, each with a working default.
///
/// Filled in three layers: these defaults, then a TOML file (``apply(tomlAt:)``), then
/// command-line flags set by the caller; ``validate()`` runs last. The four required
/// paths start empty so that a missing one is reported by name rather than guessed.
public struct ServerConfiguration: Sendable {
    /// The address to listen on; `0.0.0.0` is every IPv4 interface, `::` every interface.
    public var host: String = "0.0.0.0"
    /// The TCP port; 6697 is the registered port for IRC over TLS. 0 picks a free port.
    public var port: Int = 6697

    /// PEM file with the server certificate, optionally followed by intermediates. Required.
    public var certificatePath: String = ""
    /// PEM file with the server's private key (mode 0600 or stricter). Required.
    public var privateKeyPath: String = ""
    /// A file whose first line is the private key's passphrase; nil when it is not encrypted.
    public var privateKeyPassphraseFile: String?
    /// PEM file with the CA(s) that client certificates must chain to. Required.
    public var clientCAPath: String = ""
    /// PEM certificate revocation list of the client CA; nil when none is checked.
    public var crlPath: String?
    /// The allowlist binding nicknames to client certificate fingerprints. Required.
    public var allowlistPath: String = ""

    /// The server's name in IRC messages (`:name 001 …`); the machine's host name by default.
    public var serverName: String = ServerConfiguration.machineHostName()
    /// The network name announced in RPL_ISUPPORT (`NETWORK=`) and the welcome line.
    public var networkName: String = "SecureChat"
    /// The channel every client joins after registration; empty for none.
    public var defaultChannel: String = "#lobby"
    /// A UTF-8 text file sent as the message of the day; nil sends ERR_NOMOTD.
    public var motdPath: String?

    /// The least severe log level written.
    public var logLevel: Logger.Level = .info
    /// How log lines are written.
    public var logFormat: LogFormat = .text

    /// The oldest TLS version accepted from clients.
    public var minimumTLSVersion: TLSMinimumVersion = .tls13

    /// Timeouts, rates and sizes that bound what one client or one address can cost.
    public var limits: Limits = Limits()
    /// Where the server keeps its state (the history database); nil: `data` beside the
    /// configuration file, or in the working directory without one.
    public var dataDirectory: String?
    /// What the server remembers (`[history]`).
    public var history = History()
    /// Who may become an operator with OPER (`[operators]`); reloaded on SIGHUP.
    public var operators = OperatorList()
    /// The TOML file these settings were read from, if any: SIGHUP reads its
    /// `[operators]` table again.
    public var configurationFile: String?
    /// The metrics and health endpoints (`[metrics]`, `[health]`, `drain_seconds`).
    public var metrics = Metrics()
    /// Where the server writes its audit logs (`moderation.jsonl`); nil: `logs` beside the
    /// configuration file, or in the working directory without one.
    public var logsDirectory: String?
    /// The offensive-text filter (`[moderation]`).
    public var moderation = Moderation()

    /// A configuration with every default; set the required paths before ``validate()``.
    public init() {}

    /// How log lines are written.
    public enum LogFormat: String, Sendable, CaseIterable {
        /// One human-readable line per event.
        case text
        /// One JSON object per line, for log collectors.
        case json
    }

    /// What one connection, one address and the whole server may use.
    public struct Limits: Sendable, Equatable {
        /// Time allowed for the TLS handshake before the connection is closed.
        public var handshakeTimeout: Duration = .seconds(10)
        /// Time allowed between the handshake and a completed NICK/USER registration.
        public var registrationTimeout: Duration = .seconds(30)
        /// Idle time after which the server sends PING.
        public var pingInterval: Duration = .seconds(90)
        /// Time to wait for the PONG before closing with "Ping timeout".
        public var pingTimeout: Duration = .seconds(60)
        /// Lines accepted before registration completes; more means a confused or hostile client.
        public var maxLinesBeforeRegistration: Int = 1024
        /// Lines a registered client may send at once before flood control holds it back;
        /// every line counts, including those refused as too long, not UTF-8 or malformed.
        public var floodBurst: Int = 20
        /// Lines per second a client earns back after a burst (token refill rate).
        public var floodRate: Double = 5
        /// How long a client may go on sending faster than `floodRate` once its lines wait:
        /// when lines have waited that long without a break and their backlog grew, it is
        /// disconnected. A paste (up to 512 lines) arrives at once and its backlog only
        /// shrinks, so it is only slowed down.
        public var floodDisconnectAfter: Duration = .seconds(10)
        /// Bytes queued for a slow reader before it is disconnected ("SendQ exceeded");
        /// at least ``minimumSendQueueBytes`` so that one full burst of replies fits.
        public var sendQueueBytes: Int = 196_608
        /// Connections open at once, in total.
        public var maxConnections: Int = 4096
        /// Connections still in their TLS handshake, in total; one more closes the oldest of
        /// them. A handshake takes milliseconds, so peers that never finish one cannot hold
        /// more slots than this, and new handshakes always find room.
        public var maxHandshakes: Int = 256
        /// Connections still in their TLS handshake from one IPv4 address or IPv6 /64
        /// prefix; one more closes that address's oldest (``exemptLoopbackFromAddressLimit``
        /// applies).
        public var maxHandshakesPerAddress: Int = 8
        /// Once more than three quarters of ``maxHandshakes`` are in use, handshakes older
        /// than this are closed as new connections arrive (instead of ``handshakeTimeout``).
        public var busyHandshakeTimeout: Duration = .seconds(2)
        /// Refusals of peers without an admitted certificate are logged one by one up to 20
        /// per this time, then summed up in one line at its end.
        public var refusalLogWindow: Duration = .seconds(10)
        /// Connections open at once from one IPv4 address or one IPv6 /64 prefix.
        public var maxConnectionsPerAddress: Int = 16
        /// Sessions one nick may have at once (devices, `securechat tail` beside the chat);
        /// one more closes the nick's oldest session. 1 means "newest login wins".
        public var maxSessionsPerNick: Int = 8
        /// Whether connections from 127.0.0.0/8 and ::1 ignore ``maxConnectionsPerAddress``
        /// (a local bouncer or test harness).
        public var exemptLoopbackFromAddressLimit: Bool = true
        /// Days before a certificate expires (the server's, or a client's) when a warning is logged.
        public var expiryWarningDays: Int = 14
        /// Event loops that carry connections (TLS, framing, flushing); the hub routes on a
        /// loop of its own. One per core by default.
        public var ioThreads: Int = System.coreCount
        /// Threads that run the CPU-heavy steps of TLS handshakes (key exchange, signature,
        /// client certificate verification) at a lowered priority (nice 10 on Linux), so that
        /// the I/O loops only move bytes. One per core by default; 0 runs handshakes on the
        /// I/O loops themselves, paced by ``handshakesPerTurn``.
        public var handshakeThreads: Int = System.coreCount
        /// With ``handshakeThreads`` above 0: handshake steps one I/O loop has on the
        /// handshake threads at once; its other handshakes wait their turn. With 0: handshake
        /// steps (reads of a connection still in its handshake) one I/O loop runs per turn of
        /// the loop, the rest waiting for the next turn. Either way a storm of new
        /// connections slows admission rather than the chat of those already in.
        public var handshakesPerTurn: Int = 4

        /// The smallest allowed ``sendQueueBytes``: 96 KiB.
        public static let minimumSendQueueBytes = 98_304
        /// The kernel send buffer of each client socket (`SO_SNDBUF`; Linux reserves twice
        /// this). Fixed rather than auto-tuned, so that what a client that stops reading
        /// holds is ``sendQueueBytes`` plus this, not plus 4 MiB.
        public static let socketSendBufferBytes = 32_768

        public init() {}
    }

    /// The machine's host name (gethostname), or `securechat` when it has none usable.
    public static func machineHostName() -> String {
        var buffer = [CChar](repeating: 0, count: 256)
        guard gethostname(&buffer, buffer.count - 1) == 0 else { return "securechat" }
        let bytes = buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }
        let name = String(decoding: bytes, as: UTF8.self)
        let usable = !name.isEmpty && !name.contains { $0 == " " || $0 == ":" || $0 == "," || $0.isNewline }
        return usable ? name : "securechat"
    }
}
