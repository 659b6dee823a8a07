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
public struct ConfigurationError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What kind of failure this is; compare errors by this.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        public let description: String
        private init(_ name: String) { self.description = name }

        /// A configuration, MOTD or allowlist file is missing, unreadable, a folder, or too large.
        public static let fileUnreadable = Code("fileUnreadable")

        // The TOML file and the flags.
        /// The file is not valid TOML.
        public static let syntax = Code("syntax")
        /// A key or table the server does not know (often a typo).
        public static let unknownKey = Code("unknownKey")
        /// A value of the wrong TOML type (a string where a number belongs, …).
        public static let wrongType = Code("wrongType")
        /// A value of the right type outside its allowed range or set.
        public static let invalidValue = Code("invalidValue")
        /// A required setting (certificate, key, client CA, allowlist) was not given.
        public static let missingRequired = Code("missingRequired")

        // The allowlist. One bad line rejects the whole file, so a typo never silently
        // locks someone out.
        /// A line is not valid UTF-8.
        public static let invalidEncoding = Code("invalidEncoding")
        /// The first field is not a valid nickname.
        public static let invalidNickname = Code("invalidNickname")
        /// A nickname with nothing after it.
        public static let missingFingerprint = Code("missingFingerprint")
        /// The second field is not a fingerprint in any accepted spelling.
        public static let invalidFingerprint = Code("invalidFingerprint")
        /// More than `NICK FINGERPRINT` on a line (a comment needs `#`).
        public static let tooManyFields = Code("tooManyFields")
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

    public static func == (lhs: ConfigurationError, rhs: ConfigurationError) -> Bool { lhs.code == rhs.code }
    public func hash(into hasher: inout Hasher) { hasher.combine(self.code) }
}

extension ConfigurationError: LocalizedError {
    /// What a person reads when the server refuses to start (`Error: <reason>`): the reason
    /// alone, which already names the file, the line and the fix.
    public var errorDescription: String? { self.reason }
}
