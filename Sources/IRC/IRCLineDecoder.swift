import NIOCore

/// What ``IRCLineDecoder`` hands to the next handler for each line.
public enum IRCLineEvent: Hashable, Sendable {
    /// A complete, non-empty line within the limits, without its line ending: a slice
    /// of the inbound buffer (no copy), ready for ``IRCMessage/init(parsing:)``.
    case line(ByteBuffer)
    /// A complete line over the limits, already dropped. The server answers
    /// ``IRCNumeric/ERR_INPUTTOOLONG`` and keeps the connection.
    case tooLong
}

/// Cuts the inbound byte stream into IRC lines.
///
/// Lines end at `\n`; a `\r` just before it is removed too, so both `\r\n` and a bare
/// `\n` end a line (a lone `\r` does not, and reaches the parser, which refuses it).
/// Empty lines are skipped, as modern.ircdocs.horse asks.
///
/// Limits, counted without the line ending: the tag section (from `@` through the
/// space that ends it) may have ``IRCLimits/maxTagSectionBytes`` bytes; the body
/// (everything after the tag section, so the tags do not count against it) may have
/// ``IRCLimits/maxBodyBytesWithoutLineEnding``.
///
/// An over-long line is one event, ``IRCLineEvent/tooLong``, however it arrives: whole
/// with its line end, or in pieces. Once ``IRCLimits/maxLineBytes`` bytes are buffered
/// with no `\n` among them, no legal line can be in progress: the decoder reports
/// `.tooLong` at once, drops what it holds and then every byte up to the next `\n`, and
/// carries on with the line after it. A line that reaches
/// ``maxUnterminatedBytes`` without its `\n` makes `decode` throw ``IRCFramingError``,
/// so the server disconnects a peer that never ends a line; the buffer never holds more
/// than ``IRCLimits/maxLineBytes`` plus one read.
public struct IRCLineDecoder: NIOSingleStepByteToMessageDecoder, Sendable {
    public typealias InboundOut = IRCLineEvent

    /// The most bytes one line may run to before its `\n` without closing the connection
    /// (64 KiB): beyond, the peer is not sending IRC.
    public static let maxUnterminatedBytes = 65_536

    /// Bytes of the current over-long line dropped so far, while its `\n` is awaited;
    /// nil when no over-long line is in progress.
    private var discarded: Int?

    /// A decoder; one per connection, wrapped in `ByteToMessageHandler` or driven by an
    /// `NIOSingleStepByteToMessageProcessor` (which must be kept while ``isDiscarding``).
    public init() {}

    /// Whether the decoder is dropping the rest of an over-long line: its state then
    /// matters even with nothing buffered.
    public var isDiscarding: Bool { self.discarded != nil }

    /// The next event, skipping empty lines; nil until a line end arrives. Throws
    /// ``IRCFramingError`` as described on the type.
    public mutating func decode(buffer: inout ByteBuffer) throws -> IRCLineEvent? {
        while true {
            if let dropped = self.discarded {
                let newline = buffer.withUnsafeReadableBytes { $0.offset(of: UInt8(ascii: "\n")) }
                let total = dropped + (newline ?? buffer.readableBytes)
                guard total <= Self.maxUnterminatedBytes else { throw Self.unterminated() }
                guard let newline else {
                    buffer.moveReaderIndex(to: buffer.writerIndex)
                    self.discarded = total
                    return nil
                }
                buffer.moveReaderIndex(forwardBy: newline + 1)
                self.discarded = nil
                continue
            }
            switch try Self.nextStep(from: &buffer) {
            case .event(let event): return event
            case .skippedEmptyLine: continue
            case .needMoreData: return nil
            case .overlongSoFar:
                // A full line's worth without a line end: one 417, then drop to its end.
                guard buffer.readableBytes <= Self.maxUnterminatedBytes else {
                    throw Self.unterminated()
                }
                self.discarded = buffer.readableBytes
                buffer.moveReaderIndex(to: buffer.writerIndex)
                return .tooLong
            }
        }
    }

    /// The error for a line still without its line end after ``maxUnterminatedBytes``.
    private static func unterminated() -> IRCFramingError {
        IRCFramingError(
            .receiveQueueExceeded,
            reason: "more than \(Self.maxUnterminatedBytes) bytes received without a line end; "
                + "no IRC line is longer than \(IRCLimits.maxLineBytes) bytes"
        )
    }

    /// At end of stream, emits the remaining complete lines and drops a final line
    /// that never got its line end.
    public mutating func decodeLast(buffer: inout ByteBuffer, seenEOF: Bool) throws -> IRCLineEvent? {
        if let event = try self.decode(buffer: &buffer) { return event }
        // An unterminated last line was never a message; drop it.
        buffer.moveReaderIndex(to: buffer.writerIndex)
        return nil
    }

    /// What taking the next line out of the buffer did.
    enum Step {
        case event(IRCLineEvent)
        case skippedEmptyLine
        case needMoreData
        /// ``IRCLimits/maxLineBytes`` bytes are buffered without a line end: the line
        /// being received is already too long.
        case overlongSoFar
    }

    /// Takes the next line out of `buffer`.
    ///
    /// - Throws: ``IRCFramingError`` when the next line is longer than
    ///   ``maxUnterminatedBytes`` before its line end.
    static func nextStep(from buffer: inout ByteBuffer) throws(IRCFramingError) -> Step {
        let found = buffer.withUnsafeReadableBytes { bytes -> (newline: Int, shape: LineShape)? in
            guard let newline = bytes.offset(of: UInt8(ascii: "\n")) else { return nil }
            var length = newline
            if length > 0, bytes[length - 1] == UInt8(ascii: "\r") {
                length -= 1
            }
            return (newline, LineShape(of: UnsafeRawBufferPointer(rebasing: bytes[..<length])))
        }
        if let (newline, _) = found, newline > maxUnterminatedBytes {
            throw unterminated()
        }
        guard let (newline, shape) = found else {
            return buffer.readableBytes < IRCLimits.maxLineBytes ? .needMoreData : .overlongSoFar
        }
        switch shape {
        case .empty:
            buffer.moveReaderIndex(forwardBy: newline + 1)
            return .skippedEmptyLine
        case .tooLong:
            buffer.moveReaderIndex(forwardBy: newline + 1)
            return .event(.tooLong)
        case .line(let length):
            guard let line = buffer.readSlice(length: length) else {
                preconditionFailure("a line of \(length) bytes was measured inside \(buffer.readableBytes) readable bytes")
            }
            buffer.moveReaderIndex(forwardBy: newline + 1 - length)
            return .event(.line(line))
        }
    }
}

/// A complete line's content measured against the limits.
enum LineShape {
    case empty
    case tooLong
    case line(length: Int)

    init(of content: UnsafeRawBufferPointer) {
        guard !content.isEmpty else {
            self = .empty
            return
        }
        var tagSection = 0
        if content[0] == UInt8(ascii: "@") {
            // The tag section runs through its terminating space; a line with no space
            // at all is nothing but tags (and the parser will say the command is missing).
            tagSection = content.offset(of: UInt8(ascii: " ")).map { $0 + 1 } ?? content.count
        }
        let body = content.count - tagSection
        if tagSection > IRCLimits.maxTagSectionBytes || body > IRCLimits.maxBodyBytesWithoutLineEnding {
            self = .tooLong
        } else {
            self = .line(length: content.count)
        }
    }
}
