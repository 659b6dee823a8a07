import COpenSSL

/// OpenSSL's return conventions for the certificate issuer, turned into thrown errors.
///
/// Each helper clears the thread's error queue first, so the errors reported are the ones
/// this call left behind, not leftovers from an earlier one. Failures are
/// ``TLSError/Code/issuanceFailed`` with `what` in the reason and OpenSSL's queue attached.
enum OpenSSLCall {
    /// Runs `body`, which returns OpenSSL's int status; anything below 1 is a failure.
    static func check(
        _ what: @autoclosure () -> String, file: String = #fileID, line: Int = #line, _ body: () -> Int32
    ) throws(TLSError) {
        OpenSSLErrorQueue.clear()
        guard body() >= 1 else { throw failure(what(), file: file, line: line) }
    }

    /// Runs `body`, which returns a pointer that is nil on failure, and returns the pointer.
    static func make<Pointer>(
        _ what: @autoclosure () -> String, file: String = #fileID, line: Int = #line, _ body: () -> Pointer?
    ) throws(TLSError) -> Pointer {
        OpenSSLErrorQueue.clear()
        guard let pointer = body() else { throw failure(what(), file: file, line: line) }
        return pointer
    }

    /// The error for a failed `what`, carrying the drained queue.
    static func failure(_ what: String, file: String = #fileID, line: Int = #line) -> TLSError {
        TLSError(
            .issuanceFailed, "OpenSSL: \(what) failed",
            openSSLErrors: OpenSSLErrorQueue.drain(), file: file, line: line)
    }
}
