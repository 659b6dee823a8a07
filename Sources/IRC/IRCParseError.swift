import CodedError

/// Why a line could not be read as an IRC message.
///
/// Equal and hashed by ``IRCError/code`` only, so tests and callers compare against
/// `IRCParseError.Code` values; ``IRCError/reason`` explains the specific line for logs.
/// A server answers these with a numeric (or drops the line); they never close the
/// connection on their own.
public typealias IRCParseError = IRCError<IRCParseErrorCode>

/// The kinds of ``IRCParseError``.
public enum IRCParseErrorCode: String, IRCErrorCode {
    public static let errorName = "IRCParseError"

    /// The line has no content (or only spaces).
    case empty
    /// Tags or a source were present but no command followed.
    case missingCommand
    /// The command is neither letters only nor a three-digit numeric.
    case invalidCommand
    /// More than ``IRCLimits/maxParameters`` parameters.
    case tooManyParameters
    /// The tag section is empty or holds a malformed key.
    case invalidTags
    /// A `:` that starts a source is not followed by a name.
    case invalidSource
    /// The line holds NUL, CR or LF (the framer strips the line ending first).
    case containsControlCharacter
}
