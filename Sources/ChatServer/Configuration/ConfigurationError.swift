/// Why the server configuration cannot be used.
///
/// Two errors are equal when their ``code`` is equal; the ``reason`` names the file and
/// line (`path:line: what is wrong`) or the flag, and says how to fix it.
public struct ConfigurationError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What kind of failure this is; compare errors by this.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        public let description: String
        private init(_ name: String) { self.description = name }

        /// The configuration or MOTD file is missing or unreadable.
        public static let fileUnreadable = Code("fileUnreadable")
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
    }

    public let code: Code
    /// The full message; several problems of one kind are on separate lines.
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

    public static func == (lhs: ConfigurationError, rhs: ConfigurationError) -> Bool { lhs.code == rhs.code }
    public func hash(into hasher: inout Hasher) { hasher.combine(self.code) }
}
