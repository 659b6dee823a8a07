import NIOCore

extension IRCMessage {
    /// Whether `bytes` are well-formed UTF-8 (no overlong forms, no surrogates, nothing
    /// past U+10FFFF, no truncated sequence).
    ///
    /// A server that advertises UTF8ONLY calls this on each line before parsing and
    /// refuses lines that fail. Runs of ASCII are checked eight bytes at a time, so the
    /// usual all-ASCII line costs a few word loads.
    public static func isValidUTF8(_ bytes: some Collection<UInt8>) -> Bool {
        bytes.withContiguousStorageIfAvailable { validateUTF8(UnsafeRawBufferPointer($0)) }
            ?? Array(bytes).withUnsafeBytes { validateUTF8($0) }
    }

    /// Whether the readable bytes of `buffer` are well-formed UTF-8; see
    /// the collection overload.
    public static func isValidUTF8(_ buffer: ByteBuffer) -> Bool {
        buffer.withUnsafeReadableBytes { validateUTF8($0) }
    }
}

func validateUTF8(_ bytes: UnsafeRawBufferPointer) -> Bool {
    var index = 0
    while true {
        // Skip ASCII a word at a time, then byte by byte up to the first non-ASCII byte.
        while index + 8 <= bytes.count,
            bytes.loadUnaligned(fromByteOffset: index, as: UInt64.self) & 0x8080_8080_8080_8080 == 0
        {
            index += 8
        }
        while index < bytes.count, bytes[index] < 0x80 {
            index += 1
        }
        guard index < bytes.count else { return true }

        // Decode one multi-byte scalar with the standard library's strict parser.
        var iterator = bytes[index...].makeIterator()
        var parser = Unicode.UTF8.ForwardParser()
        switch parser.parseScalar(from: &iterator) {
        case .valid(let encoded):
            index += encoded.count
        case .error, .emptyInput:
            return false
        }
    }
}
