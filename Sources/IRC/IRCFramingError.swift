/// The byte stream cannot be cut into IRC lines any more; the connection should close.
///
/// Thrown by ``IRCLineDecoder`` only. Unlike an over-long *complete* line (which the
/// decoder reports as ``IRCLineEvent/tooLong`` so the server can answer 417), this
/// means the peer keeps sending without a line end, and buffering more would let it
/// grow our memory without bound. Equal and hashed by ``code`` only.
public struct IRCFramingError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The kind of failure.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private let name: String

        private init(_ name: String) {
            self.name = name
        }

        /// More than ``IRCLimits/maxLineBytes`` bytes arrived without a line end.
        public static let receiveQueueExceeded = Code("receiveQueueExceeded")

        public var description: String { name }
    }

    /// The kind of failure; the only part that takes part in `==`.
    public let code: Code
    /// What exactly happened, for logs.
    public let reason: String
    /// Where the error was made.
    public let file: String
    /// Where the error was made.
    public let line: UInt

    /// Makes an error with a code and a reason.
    public init(_ code: Code, reason: String, file: String = #fileID, line: UInt = #line) {
        self.code = code
        self.reason = reason
        self.file = file
        self.line = line
    }

    public static func == (lhs: IRCFramingError, rhs: IRCFramingError) -> Bool {
        lhs.code == rhs.code
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(code)
    }

    public var description: String {
        "IRCFramingError.\(code): \(reason) (\(file):\(line))"
    }
}
