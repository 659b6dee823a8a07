import COpenSSL

/// Why a test certificate, key or CRL could not be made or written.
///
/// Two errors are equal when their codes are; `reason` and `openSSLErrors` carry the detail.
public struct TestPKIError: Error, Equatable, CustomStringConvertible {
    /// What kind of step failed.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        public let description: String

        /// An OpenSSL call failed; `openSSLErrors` holds OpenSSL's own queue.
        public static let openSSL = Code(description: "openSSL")
        /// Creating a folder or writing a file failed.
        public static let fileSystem = Code(description: "fileSystem")
        /// The caller asked for something this helper cannot make.
        public static let invalidRequest = Code(description: "invalidRequest")
    }

    public let code: Code
    public let reason: String
    /// OpenSSL's error strings, oldest first, drained when the failure was seen.
    public let openSSLErrors: [String]
    public let file: String
    public let line: Int

    public init(
        _ code: Code, _ reason: String, openSSLErrors: [String] = [],
        file: String = #fileID, line: Int = #line
    ) {
        self.code = code
        self.reason = reason
        self.openSSLErrors = openSSLErrors
        self.file = file
        self.line = line
    }

    public static func == (lhs: TestPKIError, rhs: TestPKIError) -> Bool {
        lhs.code == rhs.code
    }

    public var description: String {
        var text = "TestPKIError.\(code) at \(file):\(line): \(reason)"
        if !openSSLErrors.isEmpty {
            text += " [" + openSSLErrors.joined(separator: "; ") + "]"
        }
        return text
    }
}

/// OpenSSL's return conventions turned into thrown `TestPKIError`s.
///
/// Each helper clears the thread's error queue first, so the errors reported are the ones
/// this call left behind, not leftovers from an earlier one.
enum OpenSSLCall {
    /// Runs `body`, which returns OpenSSL's int status; anything below 1 is a failure.
    static func check(
        _ what: String, file: String = #fileID, line: Int = #line, _ body: () -> Int32
    ) throws {
        ERR_clear_error()
        guard body() >= 1 else {
            throw TestPKIError(.openSSL, "\(what) failed", openSSLErrors: drainErrors(), file: file, line: line)
        }
    }

    /// Runs `body`, which returns a pointer that is nil on failure.
    static func make<Pointer>(
        _ what: String, file: String = #fileID, line: Int = #line, _ body: () -> Pointer?
    ) throws -> Pointer {
        ERR_clear_error()
        guard let pointer = body() else {
            throw TestPKIError(.openSSL, "\(what) failed", openSSLErrors: drainErrors(), file: file, line: line)
        }
        return pointer
    }

    /// Empties the thread's OpenSSL error queue into readable strings, oldest first.
    static func drainErrors() -> [String] {
        var errors: [String] = []
        while case let code = ERR_get_error(), code != 0 {
            var buffer = [CChar](repeating: 0, count: 256)
            ERR_error_string_n(code, &buffer, buffer.count)
            errors.append(String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
        }
        return errors
    }
}
