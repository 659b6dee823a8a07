// The error is a CodedError type: whoever imports TLS reads its code and reason.
@_exported import CodedError

/// An error from the TLS layer: configuration, handshake, or a live connection.
///
/// Two errors are equal when their ``code`` is equal; the ``reason`` carries the detail a
/// person needs to act (the file and the fix, the expected and the presented pin), and
/// ``openSSLErrors`` holds OpenSSL's own error strings drained from the thread's queue.
public typealias TLSError = LibraryError<TLSErrorCode>

extension TLSError {
    public init(_ code: Code, _ reason: String, openSSLErrors: [String] = [], file: String = #fileID, line: Int = #line) {
        self.init(code, reason, libraryMessages: openSSLErrors, file: file, line: line)
    }

    /// OpenSSL's error strings for this failure, oldest first; empty when OpenSSL had none.
    public var openSSLErrors: [String] { self.libraryMessages }
}

/// What kind of TLS failure an error is; compare errors by this.
public enum TLSErrorCode: String, LibraryErrorCode {
    public static let library = "OpenSSL"

    // Configuration.
    /// A file is missing or cannot be read.
    case fileUnreadable
    /// A file is not PEM of the expected kind.
    case invalidPEM
    /// A private key is encrypted and no passphrase was given, or the passphrase is wrong.
    case encryptedKey
    /// A private key does not belong to its certificate.
    case keyMismatch
    /// A private key file is readable by its group or by others.
    case insecureKeyPermissions
    /// A fingerprint or pin is not in a recognised format.
    case invalidFingerprint
    /// The configuration is inconsistent (for example a client that verifies nothing).
    case invalidConfiguration

    // Handshake.
    /// The handshake failed for a reason not covered by a more specific code.
    case handshakeFailed
    /// The server requires a client certificate and the client sent none.
    case certificateRequired
    /// The peer's certificate failed verification (unknown CA, expired, revoked, wrong name).
    case certificateRejected
    /// The peer's key matches none of the configured pins.
    case pinMismatch
    /// The peer refused the handshake and told us so with an alert.
    case rejectedByPeer
    /// The peer offered only protocol versions this side does not accept.
    case unsupportedProtocol
    /// The handshake did not finish within the configured time.
    case handshakeTimeout
    /// The peer sent bytes that are not TLS (plaintext, HTTP, garbage).
    case notTLS

    // Established connection.
    /// The connection ended without a TLS close_notify, so truncation cannot be ruled out.
    case uncleanShutdown
    /// A TLS protocol error on an established connection.
    case protocolError
    /// A write or close arrived after the TLS connection was shut down.
    case closed

    // Issuing certificates in process (tests and the benchmark).
    /// OpenSSL could not make a key, certificate or CRL; ``TLSError/openSSLErrors`` says why.
    case issuanceFailed
    /// A file cannot be created or written.
    case fileUnwritable
}
