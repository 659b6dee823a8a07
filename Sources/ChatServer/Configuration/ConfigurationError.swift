import CodedError
import Foundation

/// Why the server's configuration cannot be used: the TOML file, a flag, the MOTD or the
/// allowlist.
///
/// One type for every file an operator gives the server, because they share a reader (the
/// operator), a cure (edit the named line) and a code (`fileUnreadable`); a reload that
/// refuses an allowlist reports it the same way a start does. Two errors are equal when
/// their ``code`` is equal. The ``reason`` names the file and line (`path:line: what is
/// wrong`, or `path:` when the file itself is the problem) or the flag, and says how to fix
/// it; several problems of one kind are on separate lines.
public struct ConfigurationError: CodedError {
    /// What kind of failure this is; compare errors by this.
    public enum Code: String, ErrorCode {
        /// A configuration, MOTD or allowlist file is missing, unreadable, a folder, or too large.
        case fileUnreadable

        // The TOML file and the flags.
        /// The file is not valid TOML.
        case syntax
        /// A key or table the server does not know (often a typo).
        case unknownKey
        /// A value of the wrong TOML type (a string where a number belongs, …).
        case wrongType
        /// A value of the right type outside its allowed range or set.
        case invalidValue
        /// A required setting (certificate, key, client CA, allowlist) was not given.
        case missingRequired

        // The allowlist. One bad line rejects the whole file, so a typo never silently
        // locks someone out.
        /// A line is not valid UTF-8.
        case invalidEncoding
        /// The first field is not a valid nickname.
        case invalidNickname
        /// A nickname with nothing after it.
        case missingFingerprint
        /// The second field is not a fingerprint in any accepted spelling.
        case invalidFingerprint
        /// More than `NICK FINGERPRINT` on a line (a comment needs `#`).
        case tooManyFields
    }

    public let code: Code
    /// The full message, `path:line: what is wrong`, with the fix.
    public let reason: String
    /// Where the error was made.
    public let file: String
    /// Where the error was made.
    public let line: Int

    public init(_ code: Code, _ reason: String, file: String = #fileID, line: Int = #line) {
        self.code = code
        self.reason = reason
        self.file = file
        self.line = line
    }

    /// `ConfigurationError.invalidValue: server.toml:3: port must be …`, for logs and tests.
    public var description: String { "ConfigurationError.\(self.code): \(self.reason)" }
}

extension ConfigurationError: LocalizedError {
    /// What a person reads when the server refuses to start (`Error: <reason>`): the reason
    /// alone, which already names the file, the line and the fix.
    public var errorDescription: String? { self.reason }
}
