import CodedError

/// A failure of the chat client: configuration, trust, connection or a refusal by the server.
///
/// Two errors are equal when their ``code`` is equal. The ``reason`` is one line a person
/// can act on: the cause and the fix (the file and line, the pin to add, the allowlist
/// line to send to the administrator).
public struct ChatClientError: CodedError {
    /// What kind of failure this is; compare errors by this.
    public enum Code: String, ErrorCode {
        /// The configuration file or a flag is wrong.
        case configuration
        /// The known_servers file cannot be read or written, or has a bad line.
        case knownServers
        /// The user's own certificate or key cannot be used.
        case ownCertificate
        /// First contact with a server whose key nobody has confirmed, in a run that cannot ask.
        case untrustedServer
        /// The server's key matches none of the configured pins.
        case pinMismatch
        /// The server's key differs from the one recorded in known_servers.
        case knownServerMismatch
        /// The server's TLS certificate failed verification.
        case serverCertificateRejected
        /// The server refused our certificate during the TLS handshake.
        case certificateRefused
        /// The server's allowlist does not hold our certificate.
        case certificateNotAllowed
        /// The nick we asked for is not bound to our certificate (432).
        case nickNotBound
        /// The server cannot be reached, or the connection broke.
        case connectionFailed
        /// The server closed the connection (ERROR, shutdown).
        case disconnected
        /// A wait ran out of time.
        case timeout
        /// A message's target does not exist (401, 403).
        case noSuchTarget
        /// The server refused a message or command with an error numeric.
        case refused
        /// The connection is not open (closed by the user or not yet registered).
        case notConnected
    }

    public let code: Code
    public let reason: String

    public init(_ code: Code, _ reason: String) {
        self.code = code
        self.reason = reason
    }

    /// True for causes that reconnecting cannot cure: the same attempt would fail the same
    /// way until a person changes the configuration, the allowlist or known_servers.
    public var isFinal: Bool {
        switch self.code {
        case .connectionFailed, .disconnected, .timeout, .notConnected: false
        default: true
        }
    }
}
