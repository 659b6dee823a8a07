/// An error as each SecureChat module makes its own: a ``code`` to compare and a
/// ``reason`` a person can act on.
///
/// Two errors are equal, and hash alike, when their codes are equal, whatever the reasons
/// say (as swift-certificates' errors are): callers and tests match a kind of failure, and
/// the reason is free to name the file, the line, the pin or the input. A conforming type
/// keeps its own ``Code`` enum and any detail it adds (OpenSSL's or SQLite's messages,
/// where the error was made); it gets `==`, `hash(into:)` and a ``description`` that is
/// the reason alone, and gives its own description when it has more to say.
public protocol CodedError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The kinds of this error.
    associatedtype Code: ErrorCode

    /// What kind of failure this is: the only part that takes part in `==` and hashing.
    var code: Code { get }
    /// What happened and what to do about it.
    var reason: String { get }
}

extension CodedError {
    public static func == (lhs: Self, rhs: Self) -> Bool {
        lhs.code == rhs.code
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(self.code)
    }

    /// The reason alone.
    public var description: String { self.reason }
}
