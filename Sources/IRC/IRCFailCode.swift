/// The code of an IRCv3 standard reply (`FAIL <command> <code> :<text>`): what a program
/// reads to decide, where the text is only for people and may be reworded.
///
/// SecureChat's server sends these before the `ERROR` that closes a connection for a
/// reason that would recur on reconnecting; its client stops retrying on them.
public struct IRCFailCode: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public let rawValue: String

    public init(rawValue: String) {
        self.rawValue = rawValue
    }

    /// No allowlist line admits the client certificate (at login, or after a reload).
    public static let certificateNotAllowed = IRCFailCode(rawValue: "CERT_NOT_ALLOWED")
    /// The certificate no longer passes verification (revoked by the CRL, or its CA is no
    /// longer trusted) after the server reloaded its TLS files.
    public static let certificateRevoked = IRCFailCode(rawValue: "CERT_REVOKED")
    /// The nick in use is no longer bound to the certificate.
    public static let nickNotBound = IRCFailCode(rawValue: "NICK_NOT_BOUND")

    /// Standard codes of IRCv3 (CHATHISTORY and others).
    public static let unknownCommand = IRCFailCode(rawValue: "UNKNOWN_COMMAND")
    public static let needMoreParameters = IRCFailCode(rawValue: "NEED_MORE_PARAMS")
    public static let invalidParameters = IRCFailCode(rawValue: "INVALID_PARAMS")
    public static let invalidTarget = IRCFailCode(rawValue: "INVALID_TARGET")
    public static let messageError = IRCFailCode(rawValue: "MESSAGE_ERROR")
    /// draft/read-marker: the read timestamp could not be stored.
    public static let internalError = IRCFailCode(rawValue: "INTERNAL_ERROR")
    /// A line that is not UTF-8, to a server that advertises UTF8ONLY (IRCv3 utf8-only).
    public static let invalidUTF8 = IRCFailCode(rawValue: "INVALID_UTF8")
    /// SETNAME: the real name is empty or too long.
    public static let invalidRealname = IRCFailCode(rawValue: "INVALID_REALNAME")
    /// draft/multiline batches (`FAIL BATCH <code>`).
    public static let multilineMaxBytes = IRCFailCode(rawValue: "MULTILINE_MAX_BYTES")
    public static let multilineMaxLines = IRCFailCode(rawValue: "MULTILINE_MAX_LINES")
    public static let multilineInvalidTarget = IRCFailCode(rawValue: "MULTILINE_INVALID_TARGET")
    public static let multilineInvalid = IRCFailCode(rawValue: "MULTILINE_INVALID")
    /// REPORT: the msgid is not a message delivered to the reporter.
    public static let unknownMessage = IRCFailCode(rawValue: "UNKNOWN_MESSAGE")
    /// REPORT: more reports than the account may make in the window.
    public static let rateLimited = IRCFailCode(rawValue: "RATE_LIMITED")
    /// RESOLVE: no open report has that id.
    public static let unknownReport = IRCFailCode(rawValue: "UNKNOWN_REPORT")
    /// REPORT: the server keeps no history log, where reports are stored.
    public static let reportsDisabled = IRCFailCode(rawValue: "REPORTS_DISABLED")

    /// Whether reconnecting with the same certificate and nick would be refused the same way.
    public var isFinal: Bool {
        self == .certificateNotAllowed || self == .certificateRevoked || self == .nickNotBound
    }

    public var description: String { self.rawValue }
}
