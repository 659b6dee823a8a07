/// A failure of the chat client: configuration, trust, connection or a refusal by the server.
///
/// Two errors are equal when their ``code`` is equal. The ``reason`` is one line a person
/// can act on: the cause and the fix (the file and line, the pin to add, the allowlist
/// line to send to the administrator).
public struct ChatClientError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What kind of failure this is; compare errors by this.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        public let description: String
        private init(_ name: String) { self.description = name }

        /// The configuration file or a flag is wrong.
        public static let configuration = Code("configuration")
        /// The known_servers file cannot be read or written, or has a bad line.
        public static let knownServers = Code("knownServers")
        /// The user's own certificate or key cannot be used.
        public static let ownCertificate = Code("ownCertificate")
        /// First contact with a server whose key nobody has confirmed, in a run that cannot ask.
        public static let untrustedServer = Code("untrustedServer")
        /// The server's key matches none of the configured pins.
        public static let pinMismatch = Code("pinMismatch")
        /// The server's key differs from the one recorded in known_servers.
        public static let knownServerMismatch = Code("knownServerMismatch")
        /// The server's TLS certificate failed verification.
        public static let serverCertificateRejected = Code("serverCertificateRejected")
        /// The server refused our certificate during the TLS handshake.
        public static let certificateRefused = Code("certificateRefused")
        /// The server's allowlist does not hold our certificate.
        public static let certificateNotAllowed = Code("certificateNotAllowed")
        /// The nick we asked for is not bound to our certificate (432).
        public static let nickNotBound = Code("nickNotBound")
        /// The server cannot be reached, or the connection broke.
        public static let connectionFailed = Code("connectionFailed")
        /// The server closed the connection (ERROR, shutdown).
        public static let disconnected = Code("disconnected")
        /// A wait ran out of time.
        public static let timeout = Code("timeout")
        /// A message's target does not exist (401, 403).
        public static let noSuchTarget = Code("noSuchTarget")
        /// The server refused a message or command with an error numeric.
        public static let refused = Code("refused")
        /// The connection is not open (closed by the user or not yet registered).
        public static let notConnected = Code("notConnected")
    }

    public let code: Code
    public let reason: String

    public init(_ code: Code, _ reason: String) {
        self.code = code
        self.reason = reason
    }

    public var description: String { self.reason }

    /// True for causes that reconnecting cannot cure: the same attempt would fail the same
    /// way until a person changes the configuration, the allowlist or known_servers.
    public var isFinal: Bool {
        switch self.code {
        case .connectionFailed, .disconnected, .timeout, .notConnected: false
        default: true
        }
    }

    public static func == (lhs: ChatClientError, rhs: ChatClientError) -> Bool { lhs.code == rhs.code }
    public func hash(into hasher: inout Hasher) { hasher.combine(self.code) }
}
