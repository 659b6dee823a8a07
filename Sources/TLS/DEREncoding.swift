import COpenSSL

/// Runs an OpenSSL `i2d_*` function into a Swift array: first with no output to learn the
/// length, then into the array, so OpenSSL allocates nothing that must be freed.
///
/// `i2d` must encode the same object both times.
///
/// - Throws: a ``TLSError`` with `code` and `reason`, and OpenSSL's errors, when OpenSSL
///   reports no bytes or the two calls disagree on the length.
func encodeDER(
    orThrow code: TLSError.Code,
    _ reason: @autoclosure () -> String,
    file: String = #fileID,
    line: Int = #line,
    _ i2d: (UnsafeMutablePointer<UnsafeMutablePointer<UInt8>?>?) -> Int32
) throws(TLSError) -> [UInt8] {
    OpenSSLErrorQueue.clear()
    let length = i2d(nil)
    guard length > 0 else {
        throw TLSError(code, reason(), openSSLErrors: OpenSSLErrorQueue.drain(), file: file, line: line)
    }
    var bytes = [UInt8](repeating: 0, count: Int(length))
    let written = bytes.withUnsafeMutableBufferPointer { buffer in
        var cursor = buffer.baseAddress
        return i2d(&cursor)
    }
    guard written == length else {
        throw TLSError(code, reason(), openSSLErrors: OpenSSLErrorQueue.drain(), file: file, line: line)
    }
    return bytes
}
