import COpenSSL

/// Why a benchmark could not run; the message says what to change.
struct BenchError: Error, CustomStringConvertible {
    let description: String

    init(_ description: String) { self.description = description }

    /// An OpenSSL call failed; carries OpenSSL's queued errors.
    static func openSSL(_ what: String) -> BenchError {
        var reasons: [String] = []
        while case let code = ERR_get_error(), code != 0 {
            var text = [CChar](repeating: 0, count: 256)
            ERR_error_string_n(code, &text, text.count)
            reasons.append(String(decoding: text.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
        }
        return BenchError("OpenSSL: \(what) failed" + (reasons.isEmpty ? "" : ": " + reasons.joined(separator: "; ")))
    }
}
