import IRC
import NIOCore

/// Every message the hub sends during one turn of its event loop, each serialized once into
/// one buffer, and for each recipient the parts of that buffer that are theirs.
///
/// A message to a hundred members is written once; each member only records the byte range,
/// merged with the previous one when they touch, so a member who gets every message of the
/// turn holds a single range and is flushed as a slice of this buffer: no per-recipient copy
/// before TLS encrypts it, on the recipient's own I/O loop. At the end of the turn the buffer
/// is handed to the I/O loops, which only read it, and the next turn writes a fresh one.
struct TurnOutput {
    private(set) var buffer: ByteBuffer
    /// Counts turns, so that ranges left over from an earlier turn are never read.
    private(set) var turn: UInt64 = 0

    /// The largest buffer a new turn starts with; a turn that needs more grows its own.
    private static let maximumInitialCapacity = 64 * 1024
    private static let minimumInitialCapacity = 1024

    init(allocator: ByteBufferAllocator) {
        self.buffer = allocator.buffer(capacity: Self.minimumInitialCapacity)
    }

    /// Whether anything was written this turn.
    var isEmpty: Bool { self.buffer.readableBytes == 0 }

    /// Serializes `message` and returns where its bytes are.
    mutating func append(_ message: IRCMessage) -> Range<Int> {
        let start = self.buffer.writerIndex
        message.write(into: &self.buffer)
        return start..<self.buffer.writerIndex
    }

    /// Hands `body` the bytes of `share`, in order, as slices of `buffer` (the buffer of
    /// the turn the share was made in).
    static func forEachSlice(of share: PendingOutput, in buffer: ByteBuffer, _ body: (ByteBuffer) -> Void) {
        guard let first = share.first else { return }
        buffer.getSlice(at: first.lowerBound, length: first.count).map(body)
        for range in share.rest {
            buffer.getSlice(at: range.lowerBound, length: range.count).map(body)
        }
    }

    /// Ends the turn: returns its buffer, which the I/O loops read the turn's shares from,
    /// and starts the next turn in a fresh buffer sized like this one.
    mutating func finishTurn(allocator: ByteBufferAllocator) -> ByteBuffer {
        let finished = self.buffer
        let size = min(max(finished.readableBytes, Self.minimumInitialCapacity), Self.maximumInitialCapacity)
        self.buffer = allocator.buffer(capacity: size)
        self.turn &+= 1
        return finished
    }
}

/// One session's share of a ``TurnOutput``: byte ranges in the order they were routed,
/// adjacent ones merged.
struct PendingOutput: Sendable {
    private(set) var turn: UInt64 = 0
    /// The first range is kept inline: most sessions get one run of messages per turn.
    fileprivate private(set) var first: Range<Int>?
    fileprivate private(set) var rest: [Range<Int>] = []

    var isEmpty: Bool { self.first == nil }

    mutating func add(_ range: Range<Int>, turn: UInt64) {
        if turn != self.turn || self.first == nil {
            self = PendingOutput(turn: turn, first: range)
        } else if let last = self.rest.last {
            if last.upperBound == range.lowerBound {
                self.rest[self.rest.count - 1] = last.lowerBound..<range.upperBound
            } else {
                self.rest.append(range)
            }
        } else if let first = self.first, first.upperBound == range.lowerBound {
            self.first = first.lowerBound..<range.upperBound
        } else {
            self.rest.append(range)
        }
    }

    /// Returns the share and leaves this one empty.
    mutating func take() -> PendingOutput {
        defer { self = PendingOutput() }
        return self
    }
}
