/// Why an allowlist could not be loaded.
///
/// Two errors are equal when their ``code`` is equal; the ``reason`` starts with
/// `path:line:` (or `path:` when the file itself is the problem) and says how to fix it.
/// One bad line rejects the whole file, so a typo never silently locks someone out.
public struct AllowlistError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What kind of failure this is; compare errors by this.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        public let description: String
        private init(_ name: String) { self.description = name }

        /// The file is missing, unreadable, a folder, or too large.
        public static let fileUnreadable = Code("fileUnreadable")
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
    public let file: String
    public let line: Int

    public init(_ code: Code, _ reason: String, file: String = #fileID, line: Int = #line) {
        self.code = code
        self.reason = reason
        self.file = file
        self.line = line
    }

    public var description: String { self.reason }

    public static func == (lhs: AllowlistError, rhs: AllowlistError) -> Bool { lhs.code == rhs.code }
    public func hash(into hasher: inout Hasher) { hasher.combine(self.code) }
}
