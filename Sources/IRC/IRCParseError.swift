/// Why a line could not be read as an IRC message.
///
/// Equal and hashed by ``IRCError/code`` only, so tests and callers compare against
/// `IRCParseError.Code` values; ``IRCError/reason`` explains the specific line for logs.
/// A server answers these with a numeric (or drops the line); they never close the
/// connection on their own.
public typealias IRCParseError = IRCError<IRCParseErrorCode>

/// The kinds of ``IRCParseError``.
public struct IRCParseErrorCode: IRCErrorCode {
    public static let errorName = "IRCParseError"
    public let description: String
    private init(_ name: String) { self.description = name }

    /// The line has no content (or only spaces).
    public static let empty = Self("empty")
    /// Tags or a source were present but no command followed.
    public static let missingCommand = Self("missingCommand")
    /// The command is neither letters only nor a three-digit numeric.
    public static let invalidCommand = Self("invalidCommand")
    /// More than ``IRCLimits/maxParameters`` parameters.
    public static let tooManyParameters = Self("tooManyParameters")
    /// The tag section is empty or holds a malformed key.
    public static let invalidTags = Self("invalidTags")
    /// A `:` that starts a source is not followed by a name.
    public static let invalidSource = Self("invalidSource")
    /// The line holds NUL, CR or LF (the framer strips the line ending first).
    public static let containsControlCharacter = Self("containsControlCharacter")
}
