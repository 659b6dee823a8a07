import IRC
import NIOCore
import NIOEmbedded
import Testing

/// What the decoder produced, with lines as text so expectations read easily.
enum Decoded: Equatable, CustomStringConvertible {
    case line(String)
    case tooLong

    var description: String {
        switch self {
        case .line(let text): "line(\(text.prefix(40).debugDescription)\(text.count > 40 ? "…" : ""))"
        case .tooLong: "tooLong"
        }
    }
}

@Suite("Framing lines")
struct IRCLineDecoderTests {
    /// Feeds `chunks` one read at a time and collects every event.
    func decode(_ chunks: [String]) throws -> [Decoded] {
        let channel = EmbeddedChannel(handler: ByteToMessageHandler(IRCLineDecoder()))
        defer { _ = try? channel.finish() }
        var decoded: [Decoded] = []
        for chunk in chunks {
            try channel.writeInbound(ByteBuffer(string: chunk))
            decoded += try readAll(channel)
        }
        return decoded
    }

    func readAll(_ channel: EmbeddedChannel) throws -> [Decoded] {
        var decoded: [Decoded] = []
        while let event = try channel.readInbound(as: IRCLineEvent.self) {
            switch event {
            case .line(let buffer): decoded.append(.line(String(buffer: buffer)))
            case .tooLong: decoded.append(.tooLong)
            }
        }
        return decoded
    }

    static let maxBody = String(repeating: "x", count: IRCLimits.maxBodyBytesWithoutLineEnding - 8)

    @Test func linesSplitAcrossReadsAreJoined() throws {
        #expect(try decode(["PI", "NG :a", "b\r", "\nPONG x\n"]) == [.line("PING :ab"), .line("PONG x")])
    }

    @Test func aReadEndingBetweenCRAndLFStripsTheCR() throws {
        #expect(try decode(["PING a\r", "\n"]) == [.line("PING a")])
    }

    @Test func manyLinesInOneReadAllComeOut() throws {
        let lines = (0..<100).map { "PRIVMSG #c :message \($0)" }
        let decoded = try decode([lines.map { $0 + "\r\n" }.joined()])
        #expect(decoded == lines.map(Decoded.line))
    }

    @Test func crlfAndBareLFBothEndALine() throws {
        #expect(try decode(["A 1\r\nB 2\nC 3\r\n"]) == [.line("A 1"), .line("B 2"), .line("C 3")])
    }

    @Test func aLoneCRStaysInTheLineForTheParserToRefuse() throws {
        #expect(try decode(["A 1\rB 2\r\n"]) == [.line("A 1\rB 2")])
    }

    @Test func emptyLinesAreSkipped() throws {
        #expect(try decode(["\r\n\n\r\nPING\r\n\n", "\r\n", "PONG\n"]) == [.line("PING"), .line("PONG")])
    }

    @Test func aBodyOfExactly510BytesIsALine() throws {
        let body = "PRIVMSG " + String(repeating: "x", count: 502)
        #expect(body.utf8.count == 510)
        #expect(try decode([body + "\r\n"]) == [.line(body)])
        #expect(try decode([body + "\n"]) == [.line(body)])
    }

    @Test func aBodyOf511BytesIsTooLong() throws {
        let body = "PRIVMSG " + String(repeating: "x", count: 503)
        #expect(try decode([body + "\r\n"]) == [.tooLong])
    }

    @Test func a600ByteBodyIsTooLongAndTheNextLineStillArrives() throws {
        let body = "PRIVMSG #c :" + String(repeating: "y", count: 588)
        #expect(body.utf8.count == 600)
        #expect(try decode([body + "\r\nPING ok\r\n"]) == [.tooLong, .line("PING ok")])
        #expect(try decode([String(body.prefix(300)), String(body.dropFirst(300)) + "\r\n", "PING ok\r\n"]) == [.tooLong, .line("PING ok")])
    }

    @Test func tagsDoNotCountAgainstTheBody() throws {
        let tags = "@" + String(repeating: "t", count: 4000) + " "
        let body = "PRIVMSG " + String(repeating: "x", count: 502)
        #expect(try decode([tags + body + "\r\n"]) == [.line(tags + body)])
    }

    @Test func aTagSectionOfExactly8191BytesIsALine() throws {
        let tags = "@a=" + String(repeating: "v", count: IRCLimits.maxTagSectionBytes - 4) + " "
        #expect(tags.utf8.count == IRCLimits.maxTagSectionBytes)
        #expect(try decode([tags + "PING\r\n"]) == [.line(tags + "PING")])
    }

    @Test func aTagSectionOver8191BytesIsTooLongAndTheNextLineStillArrives() throws {
        let tags = "@a=" + String(repeating: "v", count: IRCLimits.maxTagSectionBytes - 3) + " "
        #expect(tags.utf8.count == IRCLimits.maxTagSectionBytes + 1)
        #expect(try decode([tags + "PING\r\n", "PING ok\r\n"]) == [.tooLong, .line("PING ok")])
    }

    @Test func aLineOfTagsWithoutASpaceIsMeasuredAsTags() throws {
        let onlyTags = "@a=" + String(repeating: "v", count: 1000)
        #expect(try decode([onlyTags + "\r\n"]) == [.line(onlyTags)])
        let tooManyTags = "@a=" + String(repeating: "v", count: IRCLimits.maxTagSectionBytes)
        #expect(try decode([tooManyTags + "\r\n"]) == [.tooLong])
    }

    @Test func theLongestLegalLineIsALine() throws {
        let tags = "@a=" + String(repeating: "v", count: IRCLimits.maxTagSectionBytes - 4) + " "
        let body = "PRIVMSG " + String(repeating: "x", count: 502)
        let wire = tags + body + "\r\n"
        #expect(wire.utf8.count == IRCLimits.maxLineBytes)
        #expect(try decode([String(wire.dropLast(1)), "\n"]) == [.line(tags + body)])
    }

    /// 16 KiB of one line, however it arrives: one 417, the rest dropped up to its line
    /// end, and the next line is read as usual.
    @Test(arguments: [1, 2, 4096, 16_384])
    func anOverLongLineIsOneTooLongWhateverItsChunks(chunkSize: Int) throws {
        let wire = "PRIVMSG #c :" + String(repeating: "z", count: 16_384) + "\r\nPING after\r\n"
        let bytes = Array(wire.utf8)
        let chunks = stride(from: 0, to: bytes.count, by: chunkSize).map {
            String(decoding: bytes[$0..<min($0 + chunkSize, bytes.count)], as: UTF8.self)
        }
        #expect(try decode(chunks) == [.tooLong, .line("PING after")])
        #expect(try decode([wire]) == [.tooLong, .line("PING after")])
    }

    @Test func theQueueMayHoldOneByteLessThanTheLongestLineThenReportsTooLong() throws {
        let channel = EmbeddedChannel(handler: ByteToMessageHandler(IRCLineDecoder()))
        try channel.writeInbound(ByteBuffer(string: "PING a\r\n" + String(repeating: "z", count: IRCLimits.maxLineBytes - 1)))
        #expect(try readAll(channel) == [.line("PING a")])
        try channel.writeInbound(ByteBuffer(string: "z"))
        #expect(try readAll(channel) == [.tooLong])
        try channel.writeInbound(ByteBuffer(string: String(repeating: "z", count: 30_000) + "\nPING b\n"))
        #expect(try readAll(channel) == [.line("PING b")])
        _ = try? channel.finish()
    }

    @Test(arguments: [4096, 65_537 + 10])
    func aLineThatNeverEndsWithin64KiBClosesTheConnection(chunkSize: Int) throws {
        let channel = EmbeddedChannel(handler: ByteToMessageHandler(IRCLineDecoder()))
        var sent = 0
        var events: [Decoded] = []
        #expect(throws: IRCFramingError(.receiveQueueExceeded, reason: "")) {
            while sent <= IRCLineDecoder.maxUnterminatedBytes {
                try channel.writeInbound(ByteBuffer(string: String(repeating: "z", count: chunkSize)))
                sent += chunkSize
                events += try readAll(channel)
            }
        }
        #expect(events.count <= 1)
        _ = try? channel.finish()
    }

    @Test func anUnterminatedLineAtEndOfStreamIsDropped() throws {
        let channel = EmbeddedChannel(handler: ByteToMessageHandler(IRCLineDecoder()))
        try channel.writeInbound(ByteBuffer(string: "PING a\r\nQUIT :half"))
        _ = try channel.finish()
        #expect(try readAll(channel) == [.line("PING a")])
    }

    @Test func decodedLinesParse() throws {
        let channel = EmbeddedChannel(handler: ByteToMessageHandler(IRCLineDecoder()))
        try channel.writeInbound(ByteBuffer(string: "@time=x :dan!d@h privmsg #c :hi there\r\n"))
        let event = try #require(try channel.readInbound(as: IRCLineEvent.self))
        guard case .line(let line) = event else {
            Issue.record("expected a line, got \(event)")
            return
        }
        let message = try IRCMessage(parsing: line)
        #expect(message == IRCMessage(tags: ["time": "x"], source: "dan!d@h", command: "PRIVMSG", params: ["#c", "hi there"]))
        _ = try channel.finish()
    }
}
