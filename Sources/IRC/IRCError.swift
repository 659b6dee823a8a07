import CodedError

/// An error of the IRC module: a kind to compare, a reason for logs, and where it was made.
///
/// Equal and hashed by ``code`` only (as swift-certificates' errors are), so callers and
/// tests compare against a code value and ``reason`` is free to name the offending input.
/// ``IRCParseError`` and ``IRCFramingError`` are this type with their own codes. They stay
/// two types because they ask different things of a server — a parse error is answered
/// with a numeric and the connection goes on, a framing error closes it — and typed
/// throws keep the two apart at compile time; the shape and behaviour are written once.
public struct IRCError<CodeType: IRCErrorCode>: CodedError {
    /// The kinds of this error (`IRCParseError.Code.empty`).
    public typealias Code = CodeType

    /// The kind of failure; the only part that takes part in `==`.
    public let code: Code
    /// What exactly happened, naming the input, for logs.
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

    /// `IRCParseError.invalidCommand: '12' is … (IRC/IRCMessage+Parsing.swift:86)`.
    public var description: String {
        "\(Code.errorName).\(self.code): \(self.reason) (\(self.file):\(self.line))"
    }
}

/// The codes of one kind of ``IRCError``.
public protocol IRCErrorCode: ErrorCode {
    /// The error type's name, which starts its description (`IRCParseError`).
    static var errorName: String { get }
}
