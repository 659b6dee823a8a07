import NIOCore

extension IRCMessage {
    /// Appends the wire form of the message, `\r\n` included, to `buffer`.
    ///
    /// Measures the line exactly, reserves it once and copies every part straight from
    /// the strings' UTF-8 storage (no intermediate `String`, one buffer access), so
    /// fanning a message out costs a copy per recipient and little more. Tag values are
    /// escaped; the last parameter gets its `:` when it is empty, holds a space or
    /// starts with `:`. The caller keeps the message well-formed (``isWellFormed``);
    /// nothing is validated here.
    public func write(into buffer: inout ByteBuffer) {
        let length = wireLength
        buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: length) { destination in
            var writer = RawWriter(destination: destination)
            if !tags.isEmpty {
                writer.put(UInt8(ascii: "@"))
                var first = true
                for tag in tags {
                    if !first { writer.put(UInt8(ascii: ";")) }
                    first = false
                    writer.put(tag.key)
                    if let value = tag.value {
                        writer.put(UInt8(ascii: "="))
                        writer.putEscapedTagValue(value)
                    }
                }
                writer.put(UInt8(ascii: " "))
            }
            if let source {
                writer.put(UInt8(ascii: ":"))
                writer.put(source.rawValue)
                writer.put(UInt8(ascii: " "))
            }
            writer.put(command)
            for (index, param) in params.enumerated() {
                writer.put(UInt8(ascii: " "))
                if index == params.count - 1, Self.needsTrailingColon(param) {
                    writer.put(UInt8(ascii: ":"))
                }
                writer.put(param)
            }
            writer.put(UInt8(ascii: "\r"))
            writer.put(UInt8(ascii: "\n"))
            precondition(writer.offset == length, "measured \(length) bytes, wrote \(writer.offset)")
            return length
        }
    }

    /// The wire form as a string, *without* the `\r\n`, for logs and tests; exactly
    /// what ``init(parsing:)`` reads back.
    public var serialized: String {
        var buffer = ByteBufferAllocator().buffer(capacity: wireLength)
        write(into: &buffer)
        buffer.moveWriterIndex(to: buffer.writerIndex - 2)
        return String(buffer: buffer)
    }

    /// The exact number of bytes ``write(into:)`` appends.
    var wireLength: Int {
        var length = command.utf8.count + 2
        if !tags.isEmpty {
            length += 1 + tags.count  // '@', then a ';' between tags and the final space
            for tag in tags {
                length += tag.key.utf8.count
                if let value = tag.value {
                    length += 1 + value.utf8.count + Self.tagEscapeCount(value)
                }
            }
        }
        if let source {
            length += source.rawValue.utf8.count + 2
        }
        for param in params {
            length += param.utf8.count + 1
        }
        if let last = params.last, Self.needsTrailingColon(last) {
            length += 1
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

    /// How many bytes of `value` need a backslash in front of them on the wire.
    private static func tagEscapeCount(_ value: String) -> Int {
        func count(_ bytes: some Sequence<UInt8>) -> Int {
            var count = 0
            for byte in bytes where byte.needsTagEscaping {
                count += 1
            }
            return count
        }
        return value.utf8.withContiguousStorageIfAvailable { count($0) } ?? count(value.utf8)
    }
}

/// Copies bytes into memory that ``IRCMessage/wireLength`` sized exactly.
private struct RawWriter {
    let destination: UnsafeMutableRawBufferPointer
    private(set) var offset = 0

    init(destination: UnsafeMutableRawBufferPointer) {
        self.destination = destination
    }

    mutating func put(_ byte: UInt8) {
        destination[offset] = byte
        offset += 1
    }

    mutating func put(_ bytes: UnsafeRawBufferPointer) {
        UnsafeMutableRawBufferPointer(rebasing: destination[offset...]).copyMemory(from: bytes)
        offset += bytes.count
    }

    mutating func put(_ string: String) {
        let done: Void? = string.utf8.withContiguousStorageIfAvailable { put(UnsafeRawBufferPointer($0)) }
        guard done == nil else { return }
        for byte in string.utf8 { put(byte) }
    }

    mutating func putEscapedTagValue(_ value: String) {
        let done: Void? = value.utf8.withContiguousStorageIfAvailable { source in
            // Copy the runs between escapable bytes in one go each.
            var runStart = 0
            for index in source.indices where source[index].needsTagEscaping {
                put(UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(source)[runStart..<index]))
                put(UInt8(ascii: "\\"))
                put(IRCTagEscaping.escapeLetter(for: source[index]))
                runStart = index + 1
            }
            put(UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(source)[runStart...]))
        }
        guard done == nil else { return }
        for byte in value.utf8 {
            if byte.needsTagEscaping {
                put(UInt8(ascii: "\\"))
                put(IRCTagEscaping.escapeLetter(for: byte))
            } else {
                put(byte)
            }
        }
    }
}
