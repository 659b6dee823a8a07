import NIOCore

extension IRCMessage {
    /// Reads one line, as modern.ircdocs.horse's "Message Format" describes it.
    ///
    /// `line` is the line without its `\r\n` (``IRCLineDecoder`` strips it). Accepted:
    /// an optional `@tags` section, an optional `:source`, a command (upper-cased here),
    /// and up to 15 parameters, the last one after ` :` possibly empty or holding
    /// spaces. Runs of spaces between parts count as one; spaces before the first part
    /// and after the last are ignored. Tag values are unescaped; an empty tag segment
    /// (`a;;b`) is skipped; for a repeated key the last value wins.
    ///
    /// Lengths are not checked here (that is the framer's job) and neither is UTF-8:
    /// invalid sequences become U+FFFD, so a server that refuses them calls
    /// ``isValidUTF8(_:)`` first.
    ///
    /// - Throws: ``IRCParseError`` with the code that names the first problem found.
    public init(parsing line: some Collection<UInt8>) throws(IRCParseError) {
        let result =
            line.withContiguousStorageIfAvailable { Self.parse(UnsafeRawBufferPointer($0)) }
            ?? Array(line).withUnsafeBytes { Self.parse($0) }
        self = try result.get()
    }

    /// Reads the readable bytes of `buffer` as one line; see ``init(parsing:)``.
    public init(parsing buffer: ByteBuffer) throws(IRCParseError) {
        self = try buffer.withUnsafeReadableBytes { Self.parse($0) }.get()
    }

    private static func parse(_ bytes: UnsafeRawBufferPointer) -> Result<IRCMessage, IRCParseError> {
        var parser = Parser(bytes: bytes)
        return Result { () throws(IRCParseError) in try parser.parse() }
    }
}

/// A single pass over one line's bytes.
private struct Parser {
    let bytes: UnsafeRawBufferPointer
    var index = 0

    init(bytes: UnsafeRawBufferPointer) {
        self.bytes = bytes
    }

    mutating func parse() throws(IRCParseError) -> IRCMessage {
        if let offset = bytes.offsetOfLineBreakOrNUL() {
            throw IRCParseError(
                .containsControlCharacter,
                reason: "byte 0x\(String(bytes[offset], radix: 16)) at offset \(offset); "
                    + "lines must not contain NUL, CR or LF"
            )
        }
        skipSpaces()
        guard index < bytes.count else {
            throw IRCParseError(.empty, reason: "the line is empty")
        }

        var tags = IRCTags()
        if bytes[index] == UInt8(ascii: "@") {
            let end = wordEnd(from: index + 1)
            tags = try parseTags(from: index + 1, to: end)
            index = end
            skipSpaces()
            guard index < bytes.count else {
                throw IRCParseError(.missingCommand, reason: "tags are not followed by a command")
            }
        }

        var source: IRCSource? = nil
        if bytes[index] == UInt8(ascii: ":") {
            let end = wordEnd(from: index + 1)
            guard end > index + 1 else {
                throw IRCParseError(.invalidSource, reason: "':' at offset \(index) is not followed by a source")
            }
            source = IRCSource(string(from: index + 1, to: end))
            index = end
            skipSpaces()
            guard index < bytes.count else {
                throw IRCParseError(.missingCommand, reason: "the source is not followed by a command")
            }
        }

        let commandEnd = wordEnd(from: index)
        let commandBytes = UnsafeRawBufferPointer(rebasing: bytes[index..<commandEnd])
        guard IRCMessage.isValidCommand(commandBytes, allowLowercase: true) else {
            throw IRCParseError(
                .invalidCommand,
                reason: "'\(string(from: index, to: commandEnd))' is neither letters nor a three-digit numeric"
            )
        }
        let command = string(from: index, to: commandEnd)
        index = commandEnd

        var params: [String] = []
        params.reserveCapacity(IRCLimits.maxParameters)
        while true {
            skipSpaces()
            guard index < bytes.count else { break }
            guard params.count < IRCLimits.maxParameters else {
                throw IRCParseError(
                    .tooManyParameters,
                    reason: "more than \(IRCLimits.maxParameters) parameters for \(command)"
                )
            }
            if bytes[index] == UInt8(ascii: ":") {
                params.append(string(from: index + 1, to: bytes.count))
                break
            }
            let end = wordEnd(from: index)
            params.append(string(from: index, to: end))
            index = end
        }

        return IRCMessage(
            tags: tags,
            source: source,
            command: command.asciiUppercased(),
            params: params
        )
    }

    private mutating func parseTags(from start: Int, to end: Int) throws(IRCParseError) -> IRCTags {
        var collected: [IRCTag] = []
        collected.reserveCapacity(8)
        var segmentStart = start
        while segmentStart < end {
            let segmentEnd = bytes.offset(of: UInt8(ascii: ";"), from: segmentStart, to: end) ?? end
            defer { segmentStart = segmentEnd + 1 }
            guard segmentEnd > segmentStart else { continue }
            let equals = bytes.offset(of: UInt8(ascii: "="), from: segmentStart, to: segmentEnd) ?? segmentEnd
            let key = UnsafeRawBufferPointer(rebasing: bytes[segmentStart..<equals])
            guard IRCTag.isValidKey(key) else {
                throw IRCParseError(.invalidTags, reason: "'\(string(from: segmentStart, to: equals))' is not a valid tag key")
            }
            let value =
                equals < segmentEnd
                ? IRCTagEscaping.unescape(UnsafeRawBufferPointer(rebasing: bytes[(equals + 1)..<segmentEnd]))
                : nil
            collected.append(IRCTag(key: String(decoding: key, as: UTF8.self), value: value))
        }
        guard !collected.isEmpty else {
            throw IRCParseError(.invalidTags, reason: "'@' is not followed by any tag")
        }
        return IRCTags(uniquing: collected)
    }

    private mutating func skipSpaces() {
        while index < bytes.count, bytes[index] == UInt8(ascii: " ") {
            index += 1
        }
    }

    /// The offset of the next space at or after `start`, or the end of the line.
    private func wordEnd(from start: Int) -> Int {
        bytes.offset(of: UInt8(ascii: " "), from: start) ?? bytes.count
    }

    private func string(from start: Int, to end: Int) -> String {
        String(decoding: UnsafeRawBufferPointer(rebasing: bytes[start..<end]), as: UTF8.self)
    }
}

extension String {
    /// ASCII upper-casing that returns `self` untouched (no copy) in the common case.
    func asciiUppercased() -> String {
        guard utf8.contains(where: { $0 >= UInt8(ascii: "a") && $0 <= UInt8(ascii: "z") }) else {
            return self
        }
        return String(decoding: utf8.map { ($0 >= UInt8(ascii: "a") && $0 <= UInt8(ascii: "z")) ? $0 - 0x20 : $0 }, as: UTF8.self)
    }
}
