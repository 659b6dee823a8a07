/// Why a line could not be read as an IRC message.
///
/// Equal and hashed by ``code`` only, so tests and callers compare against
/// `IRCParseError.Code` values; ``reason`` explains the specific line for logs.
/// A server answers these with a numeric (or drops the line); they never close the
/// connection on their own.
public struct IRCParseError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The kind of failure.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Kind: String, Hashable, Sendable {
            case empty
            case missingCommand
            case invalidCommand
            case tooManyParameters
            case invalidTags
            case invalidSource
            case containsControlCharacter
        }

        private let kind: Kind

        private init(_ kind: Kind) {
            self.kind = kind
        }

        /// The line has no content (or only spaces).
        public static let empty = Code(.empty)
        /// Tags or a source were present but no command followed.
        public static let missingCommand = Code(.missingCommand)
        /// The command is neither letters only nor a three-digit numeric.
        public static let invalidCommand = Code(.invalidCommand)
        /// More than ``IRCLimits/maxParameters`` parameters.
        public static let tooManyParameters = Code(.tooManyParameters)
        /// The tag section is empty or holds a malformed key.
        public static let invalidTags = Code(.invalidTags)
        /// A `:` that starts a source is not followed by a name.
        public static let invalidSource = Code(.invalidSource)
        /// The line holds NUL, CR or LF (the framer strips the line ending first).
        public static let containsControlCharacter = Code(.containsControlCharacter)

        public var description: String { kind.rawValue }
    }

    /// The kind of failure; the only part that takes part in `==`.
    public let code: Code
    /// What exactly was wrong, for logs.
    public let reason: String
    /// Where the error was made.
    public let file: String
    /// Where the error was made.
    public let line: UInt

    /// Makes an error with a code and a reason that names the offending input.
    public init(_ code: Code, reason: String, file: String = #fileID, line: UInt = #line) {
        self.code = code
        self.reason = reason
        self.file = file
        self.line = line
    }

    public static func == (lhs: IRCParseError, rhs: IRCParseError) -> Bool {
        lhs.code == rhs.code
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(code)
    }

    public var description: String {
        "IRCParseError.\(code): \(reason) (\(file):\(line))"
    }
}
