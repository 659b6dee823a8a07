/// An error from the TLS layer: configuration, handshake, or a live connection.
///
/// Two errors are equal when their ``code`` is equal; the ``reason`` carries the detail a
/// person needs to act (the file and the fix, the expected and the presented pin), and
/// ``openSSLErrors`` holds OpenSSL's own error strings drained from the thread's queue.
public struct TLSError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What kind of failure this is; compare errors by this.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        public let description: String
        private init(_ name: String) { self.description = name }

        // Configuration.
        /// A file is missing or cannot be read.
        public static let fileUnreadable = Code("fileUnreadable")
        /// A file is not PEM of the expected kind.
        public static let invalidPEM = Code("invalidPEM")
        /// A private key is encrypted and no passphrase was given, or the passphrase is wrong.
        public static let encryptedKey = Code("encryptedKey")
        /// A private key does not belong to its certificate.
        public static let keyMismatch = Code("keyMismatch")
        /// A private key file is readable by its group or by others.
        public static let insecureKeyPermissions = Code("insecureKeyPermissions")
        /// A fingerprint or pin is not in a recognised format.
        public static let invalidFingerprint = Code("invalidFingerprint")
        /// The configuration is inconsistent (for example a client that verifies nothing).
        public static let invalidConfiguration = Code("invalidConfiguration")

        // Handshake.
        /// The handshake failed for a reason not covered by a more specific code.
        public static let handshakeFailed = Code("handshakeFailed")
        /// The server requires a client certificate and the client sent none.
        public static let certificateRequired = Code("certificateRequired")
        /// The peer's certificate failed verification (unknown CA, expired, revoked, wrong name).
        public static let certificateRejected = Code("certificateRejected")
        /// The peer's key matches none of the configured pins.
        public static let pinMismatch = Code("pinMismatch")
        /// The peer refused the handshake and told us so with an alert.
        public static let rejectedByPeer = Code("rejectedByPeer")
        /// The peer offered only protocol versions this side does not accept.
        public static let unsupportedProtocol = Code("unsupportedProtocol")
        /// The handshake did not finish within the configured time.
        public static let handshakeTimeout = Code("handshakeTimeout")
        /// The peer sent bytes that are not TLS (plaintext, HTTP, garbage).
        public static let notTLS = Code("notTLS")

        // Established connection.
        /// The connection ended without a TLS close_notify, so truncation cannot be ruled out.
        public static let uncleanShutdown = Code("uncleanShutdown")
        /// A TLS protocol error on an established connection.
        public static let protocolError = Code("protocolError")
        /// A write or close arrived after the TLS connection was shut down.
        public static let closed = Code("closed")

        // Issuing certificates in process (tests and the benchmark).
        /// OpenSSL could not make a key, certificate or CRL; ``TLSError/openSSLErrors`` says why.
        package static let issuanceFailed = Code("issuanceFailed")
        /// A file cannot be created or written.
        package static let fileUnwritable = Code("fileUnwritable")
    }

    public let code: Code
    public let reason: String
    /// OpenSSL's error strings for this failure, oldest first; empty when OpenSSL had none.
    public let openSSLErrors: [String]
    public let file: String
    public let line: Int

    public init(
        _ code: Code,
        _ reason: String,
        openSSLErrors: [String] = [],
        file: String = #fileID,
        line: Int = #line
    ) {
        self.code = code
        self.reason = reason
        self.openSSLErrors = openSSLErrors
        self.file = file
        self.line = line
    }

    public var description: String {
        if self.openSSLErrors.isEmpty { return self.reason }
        return "\(self.reason) (OpenSSL: \(self.openSSLErrors.joined(separator: "; ")))"
    }

    public static func == (lhs: TLSError, rhs: TLSError) -> Bool { lhs.code == rhs.code }
    public func hash(into hasher: inout Hasher) { hasher.combine(self.code) }
}
