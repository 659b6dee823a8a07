import NIOCore

/// Recognises benchmark messages among a connection's lines and reports them to the
/// ``DeliveryTracker`` once per read batch.
///
/// Loop-confined, one per connection. A benchmark message is a PRIVMSG whose text starts
/// `B <stream> <seq> <send-time-ns>`; the line is scanned in place, without building an
/// `IRCMessage` or any string.
final class DeliveryReceiver {
    private let tracker: DeliveryTracker
    /// The last sequence number seen from each stream.
    private var lastSeq: [Int32: Int32] = [:]
    private var pending: [DeliveryTracker.Receipt] = []

    init(tracker: DeliveryTracker) {
        self.tracker = tracker
        self.pending.reserveCapacity(256)
    }

    /// Returns false when `line` is not a benchmark message (it goes to the control path).
    func consume(_ line: ByteBuffer) -> Bool {
        guard let (stream, seq, sentAt) = Self.scan(line) else { return false }
        let now = monotonicNanoseconds()
        let previous = self.lastSeq[stream] ?? -1
        let order: DeliveryTracker.Order
        if seq > previous {
            order = .inOrder  // a gap shows up as lost unless the missing ones come later
            self.lastSeq[stream] = seq
        } else if seq == previous {
            order = .duplicate
        } else {
            order = .reordered
        }
        self.pending.append(
            .init(stream: stream, seq: seq, sentAt: sentAt, latencyNanoseconds: now &- sentAt, order: order))
        return true
    }

    func flush() {
        guard !self.pending.isEmpty else { return }
        self.tracker.apply(self.pending)
        self.pending.removeAll(keepingCapacity: true)
    }

    /// Finds ` PRIVMSG ` and then `:B ` and reads the three numbers after it.
    static func scan(_ line: ByteBuffer) -> (Int32, Int32, UInt64)? {
        line.withUnsafeReadableBytes { bytes -> (Int32, Int32, UInt64)? in
            guard let command = find(Array(" PRIVMSG ".utf8), in: bytes, from: 0),
                let marker = find(Array(" :B ".utf8), in: bytes, from: command + 8)
            else { return nil }
            var index = marker + 4
            func number() -> UInt64? {
                var value: UInt64 = 0
                let start = index
                while index < bytes.count, bytes[index] >= 0x30, bytes[index] <= 0x39 {
                    value = value &* 10 &+ UInt64(bytes[index] - 0x30)
                    index += 1
                }
                guard index > start else { return nil }
                index += 1  // the space
                return value
            }
            guard let stream = number(), let seq = number(), let sentAt = number() else { return nil }
            return (Int32(truncatingIfNeeded: stream), Int32(truncatingIfNeeded: seq), sentAt)
        }
    }

    private static func find(_ needle: [UInt8], in bytes: UnsafeRawBufferPointer, from start: Int) -> Int? {
        guard bytes.count >= needle.count, start <= bytes.count - needle.count else { return nil }
        var index = start
        let last = bytes.count - needle.count
        while index <= last {
            if bytes[index] == needle[0] {
                var offset = 1
                while offset < needle.count, bytes[index + offset] == needle[offset] { offset += 1 }
                if offset == needle.count { return index }
            }
            index += 1
        }
        return nil
    }
}
