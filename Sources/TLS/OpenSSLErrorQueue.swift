import COpenSSL

/// The calling thread's OpenSSL error queue.
///
/// Every OpenSSL call that can fail is preceded by ``clear()`` so that stale entries from an
/// earlier call cannot be blamed on it, and followed on failure by ``drain()``.
enum OpenSSLErrorQueue {
    static func clear() { ERR_clear_error() }

    /// Removes every entry from the queue and returns them as readable strings, oldest first.
    static func drain() -> [String] {
        drainWithReason().messages
    }

    /// Removes every entry from the queue; returns the reason code of its last (most
    /// specific) entry, nil when the queue was empty, with every entry's text, oldest first.
    static func drainWithReason() -> (reason: Int32?, messages: [String]) {
        var messages: [String] = []
        var lastReason: Int32?
        while true {
            var data: UnsafePointer<CChar>?
            var flags: Int32 = 0
            let code = ERR_get_error_all(nil, nil, nil, &data, &flags)
            if code == 0 { break }
            lastReason = ERR_GET_REASON(code)
            messages.append(describe(code, data: (flags & ERR_TXT_STRING) != 0 ? data : nil))
        }
        return (lastReason, messages)
    }

    /// OpenSSL's reason text for `code` (its hex value when OpenSSL has no text), followed
    /// by the entry's detail in parentheses when it has one.
    private static func describe(_ code: UInt, data: UnsafePointer<CChar>?) -> String {
        var text: String
        if let reason = ERR_reason_error_string(code) {
            text = String(cString: reason)
        } else {
            text = "error \(String(code, radix: 16))"
        }
        if let data, data.pointee != 0 {
            text += " (\(String(cString: data)))"
        }
        return text
    }
}
