import IRC
import NIOCore

/// Every message the hub sends during one turn of the event loop, each serialized once into
/// one buffer, and for each recipient the parts of that buffer that are theirs.
///
/// A message to a hundred members is written once; each member only records the byte range,
/// merged with the previous one when they touch, so a member who gets every message of the
/// turn holds a single range and is flushed as a slice of this buffer: no per-recipient copy
/// before TLS encrypts it. The buffer is reused from turn to turn.
struct TurnOutput {
    private(set) var buffer: ByteBuffer
    /// Counts turns, so that ranges left over from an earlier turn are never read.
    private(set) var turn: UInt64 = 0

    /// Above this capacity, a turn's buffer is let go rather than kept for the next turn.
    private static let retainedCapacity = 256 * 1024
    private static let initialCapacity = 16 * 1024

    init(allocator: ByteBufferAllocator) {
        self.buffer = allocator.buffer(capacity: Self.initialCapacity)
    }

    /// Serializes `message` and returns where its bytes are.
    mutating func append(_ message: IRCMessage) -> Range<Int> {
        let start = self.buffer.writerIndex
        message.write(into: &self.buffer)
        return start..<self.buffer.writerIndex
    }

    /// Hands `body` the bytes of `share`, in order, as slices of this turn's buffer; nothing
    /// if the share is from another turn.
    func forEachSlice(of share: PendingOutput, _ body: (ByteBuffer) -> Void) {
        guard share.turn == self.turn, let first = share.first else { return }
        self.slice(first).map(body)
        for range in share.rest {
            self.slice(range).map(body)
        }
    }

    private func slice(_ range: Range<Int>) -> ByteBuffer? {
        self.buffer.getSlice(at: range.lowerBound, length: range.count)
    }

    /// Starts the next turn, once every session holding ranges of this one has been flushed.
    mutating func nextTurn(allocator: ByteBufferAllocator) {
        self.turn &+= 1
        if self.buffer.capacity > Self.retainedCapacity {
            self.buffer = allocator.buffer(capacity: Self.initialCapacity)
        } else {
            // Slices still held below (a write the TLS handler has not taken yet) keep the
            // old bytes: clearing a shared buffer gives this one fresh storage.
            self.buffer.clear()
        }
    }
}

/// One session's share of a ``TurnOutput``: byte ranges in the order they were routed,
/// adjacent ones merged.
struct PendingOutput {
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
