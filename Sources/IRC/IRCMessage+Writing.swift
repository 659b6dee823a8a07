import NIOCore

extension IRCMessage {
    /// Appends the wire form of the message, `\r\n` included, to `buffer`.
    ///
    /// Writes straight from the strings' UTF-8 storage (no intermediate `String`), so
    /// fanning one message out to many sessions costs a copy per session and nothing
    /// more. Tag values are escaped; the last parameter gets its `:` when it is empty,
    /// holds a space or starts with `:`. The caller keeps the message well-formed
    /// (``isWellFormed``); nothing is validated here.
    public func write(into buffer: inout ByteBuffer) {
        buffer.reserveCapacity(minimumWritableBytes: estimatedWireLength)
        if !tags.isEmpty {
            buffer.writeInteger(UInt8(ascii: "@"))
            var first = true
            for tag in tags {
                if !first { buffer.writeInteger(UInt8(ascii: ";")) }
                first = false
                buffer.writeString(tag.key)
                if let value = tag.value {
                    buffer.writeInteger(UInt8(ascii: "="))
                    Self.writeEscapedTagValue(value, into: &buffer)
                }
            }
            buffer.writeInteger(UInt8(ascii: " "))
        }
        if let source {
            buffer.writeInteger(UInt8(ascii: ":"))
            buffer.writeString(source.rawValue)
            buffer.writeInteger(UInt8(ascii: " "))
        }
        buffer.writeString(command)
        if let last = params.last {
            for param in params.dropLast() {
                buffer.writeInteger(UInt8(ascii: " "))
                buffer.writeString(param)
            }
            buffer.writeInteger(UInt8(ascii: " "))
            if Self.needsTrailingColon(last) {
                buffer.writeInteger(UInt8(ascii: ":"))
            }
            buffer.writeString(last)
        }
        buffer.writeStaticString("\r\n")
    }

    /// The wire form as a string, *without* the `\r\n`, for logs and tests; exactly
    /// what ``init(parsing:)`` reads back.
    public var serialized: String {
        var buffer = ByteBufferAllocator().buffer(capacity: estimatedWireLength)
        write(into: &buffer)
        buffer.moveWriterIndex(to: buffer.writerIndex - 2)
        return String(buffer: buffer)
    }

    /// An upper bound of the wire length for typical messages (escaping may add a
    /// little), used to size the buffer once.
    private var estimatedWireLength: Int {
        var length = command.utf8.count + 2
        if !tags.isEmpty {
            for tag in tags {
                length += tag.key.utf8.count + (tag.value?.utf8.count ?? 0) + 2
            }
            length += 1
        }
        if let source {
            length += source.rawValue.utf8.count + 2
        }
        for param in params {
            length += param.utf8.count + 2
        }
        return length
    }

    private static func needsTrailingColon(_ param: String) -> Bool {
        let utf8 = param.utf8
        guard let first = utf8.first else { return true }
        if first == UInt8(ascii: ":") { return true }
        return utf8.withContiguousStorageIfAvailable {
            UnsafeRawBufferPointer($0).offset(of: UInt8(ascii: " ")) != nil
        } ?? utf8.contains(UInt8(ascii: " "))
    }

    private static func writeEscapedTagValue(_ value: String, into buffer: inout ByteBuffer) {
        var value = value
        value.withUTF8 { utf8 in
            guard IRCTagEscaping.needsEscaping(utf8) else {
                buffer.writeBytes(UnsafeRawBufferPointer(utf8))
                return
            }
            var runStart = 0
            for (offset, byte) in utf8.enumerated() where byte.needsTagEscaping {
                buffer.writeBytes(UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(utf8)[runStart..<offset]))
                buffer.writeInteger(UInt8(ascii: "\\"))
                buffer.writeInteger(IRCTagEscaping.escapeLetter(for: byte))
                runStart = offset + 1
            }
            buffer.writeBytes(UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(utf8)[runStart...]))
        }
    }
}
