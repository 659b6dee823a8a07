import NIOCore

/// Sends one stream's benchmark messages from one connection, as fast as the tracker's
/// window allows or on a fixed-rate schedule.
///
/// Loop-confined to its channel's event loop, except ``wake()``, which any thread calls.
final class StreamSender: @unchecked Sendable {
    private let channel: any Channel
    private let tracker: DeliveryTracker
    private let stream: Int
    /// `PRIVMSG <target> :B <stream> ` as bytes.
    private let prefix: [UInt8]
    /// Filler after the send time, so each line carries the chosen text size.
    private let padding: [UInt8]
    /// Messages per second for this stream, or nil for as fast as the window allows.
    private let rate: Double?
    private var startedAt: UInt64 = 0
    private var timer: RepeatedTask?
    /// On a rate schedule: the most any batch's first message was written after its due time.
    private var maxLag: UInt64 = 0

    init(channel: any Channel, tracker: DeliveryTracker, stream: Int, target: String, textBytes: Int, rate: Double?) {
        self.channel = channel
        self.tracker = tracker
        self.stream = stream
        self.prefix = Array("PRIVMSG \(target) :B \(stream) ".utf8)
        // "B s n t " takes about 25 bytes of the text.
        self.padding = [UInt8](repeating: UInt8(ascii: "x"), count: max(1, textBytes - 25))
        self.rate = rate
    }

    /// Starts sending, `delay` from now (senders on one schedule start apart, so that
    /// their ticks do not all fall in the same millisecond); call once.
    func start(after delay: TimeAmount = .zero) {
        self.channel.eventLoop.scheduleTask(in: delay) {
            self.startedAt = monotonicNanoseconds()
            if let rate = self.rate {
                // Tick once per message, but at least every 10 ms (so that a slow schedule
                // is kept to within 10 ms) and at most every millisecond; send what is due.
                let interval = TimeAmount.nanoseconds(Int64(min(10_000_000, max(1_000_000, 1e9 / max(rate, 1)))))
                self.timer = self.channel.eventLoop.scheduleRepeatedTask(initialDelay: .zero, delay: interval) { task in
                    if self.pump() { task.cancel() }
                }
            } else {
                _ = self.pump()
            }
        }
    }

    /// On a rate schedule, the most (in nanoseconds) any message was written after its due
    /// time: the generator's loop was busy, or the window was closed because the server was
    /// behind. Up to 10 ms of it is the tick. Zero without a rate.
    func lag() -> EventLoopFuture<UInt64> {
        self.channel.eventLoop.submit { self.maxLag }
    }

    /// The window opened: send more, on the channel's loop.
    func wake() {
        guard self.rate == nil else { return }  // the timer sends
        self.channel.eventLoop.execute { _ = self.pump() }
    }

    /// Sends what is allowed now in one flush; returns true when the stream is fully sent.
    @discardableResult
    private func pump() -> Bool {
        var limit = Int.max
        if let rate {
            let elapsed = Double(monotonicNanoseconds() - self.startedAt) / 1e9
            limit = Int(elapsed * rate) + 1
        }
        let (range, finished) = self.tracker.reserve(stream: self.stream, upTo: limit)
        if let rate, !range.isEmpty {
            let due = self.startedAt + UInt64(Double(range.lowerBound) / rate * 1e9)
            let now = monotonicNanoseconds()
            if now > due { self.maxLag = max(self.maxLag, now - due) }
        }
        if !range.isEmpty {
            var buffer = self.channel.allocator.buffer(capacity: range.count * (self.prefix.count + self.padding.count + 32))
            for seq in range {
                buffer.writeBytes(self.prefix)
                Self.writeDecimal(UInt64(seq), into: &buffer)
                buffer.writeInteger(UInt8(ascii: " "))
                Self.writeDecimal(monotonicNanoseconds(), into: &buffer)
                buffer.writeInteger(UInt8(ascii: " "))
                buffer.writeBytes(self.padding)
                buffer.writeInteger(UInt16(0x0D0A))
            }
            self.channel.writeAndFlush(buffer, promise: nil)
        }
        return finished
    }

    /// Writes `value` in decimal without making a string.
    private static func writeDecimal(_ value: UInt64, into buffer: inout ByteBuffer) {
        var digits: (UInt64, Int) = (value, 0)
        var scratch: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                      UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) =
            (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        withUnsafeMutableBytes(of: &scratch) { bytes in
            repeat {
                bytes[19 - digits.1] = UInt8(truncatingIfNeeded: 0x30 + digits.0 % 10)
                digits.0 /= 10
                digits.1 += 1
            } while digits.0 > 0
            buffer.writeBytes(UnsafeRawBufferPointer(rebasing: bytes[(20 - digits.1)...]))
        }
    }
}
