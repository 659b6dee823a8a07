import NIOCore

/// Per-client flood control: a token bucket of lines, and a bounded wait for the excess.
///
/// A client may send `burst` lines at once; tokens refill at `rate` per second. A line that
/// finds no token waits until one is available. The session goes on reading meanwhile, so
/// that it sees whether the client stops: a paste arrives at once, and then its backlog only
/// shrinks, however long it takes to deliver. A client is flooding, and is disconnected,
/// when
/// - more than `maxDelayed` lines, or more than `maxDelayedBytes`, would wait (a paste is
///   at most that long; the bound is also what a flooder can make the server hold), or
/// - lines have waited without a break for `disconnectAfter` and the backlog grew over
///   its second half: the client keeps sending faster than `rate`.
struct FloodControl {
    let burst: Double
    let rate: Double
    let disconnectAfter: TimeAmount
    let maxDelayed: Int
    let maxDelayedBytes: Int
    private var tokens: Double
    private var refilledAt: NIODeadline
    /// While lines wait: when they began to or the backlog was last measured, how long it
    /// was then, and whether that was a measure.
    private var checkpoint: (at: NIODeadline, waiting: Int, isMeasure: Bool)?

    /// At most this many lines wait, by default.
    static let defaultMaxDelayed = 512
    /// At most this many bytes of lines wait, by default (512 lines of 512 bytes).
    static let defaultMaxDelayedBytes = 262_144

    enum Verdict: Equatable {
        /// Handle the line now.
        case allow
        /// Handle it at the given time.
        case delay(until: NIODeadline)
        /// A flood: disconnect, with this reason.
        case disconnect(reason: String)
    }

    init(
        burst: Int, rate: Double, disconnectAfter: TimeAmount,
        maxDelayed: Int = Self.defaultMaxDelayed, maxDelayedBytes: Int = Self.defaultMaxDelayedBytes,
        now: NIODeadline
    ) {
        self.burst = Double(max(burst, 1))
        self.rate = max(rate, 0.001)
        self.disconnectAfter = disconnectAfter
        self.maxDelayed = maxDelayed
        self.maxDelayedBytes = maxDelayedBytes
        self.tokens = self.burst
        self.refilledAt = now
    }

    /// Decides about one line of `bytes` bytes, given how many lines (and bytes) already
    /// wait.
    ///
    /// `cost` is what the line takes from the bucket when it can go at once: a line of a
    /// multiline batch costs ``batchLineCost``. A line that waits costs a whole token.
    mutating func admit(
        now: NIODeadline, alreadyDelayed: Int, delayedBytes: Int = 0, bytes: Int = 0, cost: Double = 1
    ) -> Verdict {
        self.refill(now: now)
        if alreadyDelayed == 0, self.tokens >= cost {
            self.tokens -= cost
            self.checkpoint = nil
            return .allow
        }
        let waiting = alreadyDelayed + 1
        if waiting > self.maxDelayed || delayedBytes + bytes > self.maxDelayedBytes {
            return .disconnect(reason: "Excess Flood: more than \(self.maxDelayed) lines or \(self.maxDelayedBytes / 1024) KiB waiting")
        }
        // The backlog is measured every half of `disconnectAfter` while lines wait: the first
        // measure follows a paste's arrival, so it is the backlog's high point; a flood's
        // backlog is higher still at the next measure.
        guard let checkpoint = self.checkpoint else {
            self.checkpoint = (now, waiting, false)
            return .delay(until: self.nextToken(now: now, waiting: waiting))
        }
        if now - checkpoint.at >= .nanoseconds(self.disconnectAfter.nanoseconds / 2) {
            if checkpoint.isMeasure, waiting > checkpoint.waiting {
                let seconds = Double(self.disconnectAfter.nanoseconds) / 1e9
                return .disconnect(reason: "Excess Flood: faster than \(Self.number(self.rate)) lines/s for \(Self.number(seconds)) s")
            }
            self.checkpoint = (now, waiting, true)
        }
        return .delay(until: self.nextToken(now: now, waiting: waiting))
    }

    /// What a line tagged `batch=` takes from the bucket: a `draft/multiline` batch is one
    /// message cut into lines, so its 100 lines at most cost 10 and a paste sent as one
    /// batch goes at once. The hub bounds each batch; lines that wait cost 1 as any other.
    static let batchLineCost = 0.1

    /// ``batchLineCost`` for a line whose tags include `batch`, else 1.
    static func cost(ofLine line: ByteBufferView) -> Double {
        guard line.first == UInt8(ascii: "@") else { return 1 }
        let tags = line.dropFirst().prefix { $0 != UInt8(ascii: " ") }
        let key = Array("batch=".utf8)
        var start = tags.startIndex
        while start < tags.endIndex {
            let end = tags[start...].firstIndex(of: UInt8(ascii: ";")) ?? tags.endIndex
            if tags[start..<end].starts(with: key) { return batchLineCost }
            start = end < tags.endIndex ? tags.index(after: end) : end
        }
        return 1
    }

    /// Takes a token for a delayed line whose time has come; false if none is there yet.
    mutating func takeDelayed(now: NIODeadline) -> Bool {
        self.refill(now: now)
        guard self.tokens >= 1 else { return false }
        self.tokens -= 1
        return true
    }

    /// Every delayed line was handled: the stretch of excess is over.
    mutating func caughtUp() { self.checkpoint = nil }

    /// When `waiting` more tokens will have accumulated.
    func nextToken(now: NIODeadline, waiting: Int = 1) -> NIODeadline {
        let missing = max(Double(waiting) - self.tokens, 0)
        return now + .nanoseconds(Int64((missing / self.rate * 1e9).rounded(.up)))
    }

    private mutating func refill(now: NIODeadline) {
        let elapsed = Double((now - self.refilledAt).nanoseconds) / 1e9
        guard elapsed > 0 else { return }
        self.tokens = min(self.burst, self.tokens + elapsed * self.rate)
        self.refilledAt = now
    }

    /// `5`, `0.5`: a rate or a time as a person writes it.
    private static func number(_ value: Double) -> String {
        value == value.rounded() ? String(Int(value)) : String(value)
    }
}
