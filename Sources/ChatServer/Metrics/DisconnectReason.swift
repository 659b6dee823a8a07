/// Why a session ended, from a closed set fit for a metric label, read off the reason the
/// hub or the transport gave (the words the client sees in its `ERROR`).
enum DisconnectReason: String, CaseIterable, Sendable {
    case quit
    case pingTimeout = "ping_timeout"
    case registrationTimeout = "registration_timeout"
    case sendqExceeded = "sendq_exceeded"
    case flood
    case notAllowlisted = "not_allowlisted"
    case allowlistRemoved = "allowlist_removed"
    case tlsReloadRefused = "tls_reload_refused"
    case sessionLimit = "session_limit"
    case killed
    case shutdown
    case protocolError = "protocol_error"
    case connectionClosed = "connection_closed"
    case ioError = "io_error"
    case other

    /// The prefixes (after an optional `Closing link: `) that name each reason.
    private static let prefixes: [(String, DisconnectReason)] = [
        ("Quit", .quit),
        ("Ping timeout", .pingTimeout),
        ("registration timed out", .registrationTimeout),
        ("SendQ exceeded", .sendqExceeded),
        ("Excess Flood", .flood),
        ("your certificate is not in this server's allowlist", .notAllowlisted),
        ("certificate no longer allowed", .allowlistRemoved),
        ("nick ", .allowlistRemoved),
        ("client certificate no longer accepted", .tlsReloadRefused),
        ("more than", .protocolError),
        ("this is an IRC server", .protocolError),
        ("Killed (", .killed),
        ("Server shutting down", .shutdown),
        ("Connection closed", .connectionClosed),
        ("TLS:", .ioError),
    ]

    init(classifying reason: String) {
        var text = Substring(reason)
        if text.hasPrefix("Closing link: ") { text = text.dropFirst("Closing link: ".count) }
        if text.hasPrefix("more than"), text.contains(" sessions for ") || text.contains(" session for ") {
            self = .sessionLimit
            return
        }
        if text.contains("without a line end") {
            self = .protocolError
            return
        }
        self = Self.prefixes.first { text.hasPrefix($0.0) }?.1 ?? (reason.hasPrefix("Closing link: ") ? .ioError : .other)
    }
}
