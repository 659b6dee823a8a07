/// The error of a module built on a C library (OpenSSL, SQLite): the code and reason of
/// every ``CodedError``, the library's own messages, and where in our code it was made.
///
/// Each such module names its codes once (`TLSErrorCode`) and its error as this type
/// (`typealias TLSError = LibraryError<TLSErrorCode>`), with an initializer that names the
/// messages as that library does (`openSSLErrors:`, `sqliteMessage:`).
public struct LibraryError<Code: LibraryErrorCode>: CodedError {
    public let code: Code
    public let reason: String
    /// The library's messages for this failure, oldest first; empty when it had none.
    public let libraryMessages: [String]
    public let file: String
    public let line: Int

    public init(_ code: Code, _ reason: String, libraryMessages: [String], file: String, line: Int) {
        self.code = code
        self.reason = reason
        self.libraryMessages = libraryMessages
        self.file = file
        self.line = line
    }

    /// The reason, then the library's messages after its name: `reason (OpenSSL: a; b)`.
    public var description: String {
        if self.libraryMessages.isEmpty { return self.reason }
        return "\(self.reason) (\(Code.library): \(self.libraryMessages.joined(separator: "; ")))"
    }
}

/// The codes of a ``LibraryError``, and the name of the library its messages come from.
public protocol LibraryErrorCode: ErrorCode {
    /// How descriptions name the library: `OpenSSL`, `SQLite`.
    static var library: String { get }
}
