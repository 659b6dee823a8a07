import NIOCore

/// Per-client flood control: a token bucket of lines.
///
/// A client may send `burst` lines at once; tokens refill at `rate` per second. A line that
/// finds no token is delayed until one is available, and the session stops reading
/// meanwhile, so TCP pushes back: a client held back cannot add to its excess. A paste that
/// arrives at once is only slowed down, however long it takes to deliver.
///
/// A client is abusive, and is disconnected, when it
/// - piles up more than `maxDelayed` waiting lines (a memory bound; a client that kept
///   sending while held back finds more waiting each time reading resumes), or
/// - spends more than `disconnectAfter` in excess while the session reads: the time from
///   catching up (reading resumes) until a line must wait again counts, the time spent
///   held back does not. A line that finds a token at once ends the stretch of excess.
struct FloodControl {
    let burst: Double
    let rate: Double
    let disconnectAfter: TimeAmount
    let maxDelayed: Int
    private var tokens: Double
    private var refilledAt: NIODeadline
    /// Time spent in excess while reading, in the current stretch of excess.
    private var excess: TimeAmount = .zero
    /// When the session caught up and read again, if no line had to wait since.
    private var resumedAt: NIODeadline?

    enum Verdict: Equatable {
        /// Handle the line now.
        case allow
        /// Handle it at the given time.
        case delay(until: NIODeadline)
        /// Sustained abuse: disconnect.
        case disconnect
    }

    init(burst: Int, rate: Double, disconnectAfter: TimeAmount, maxDelayed: Int? = nil, now: NIODeadline) {
        self.burst = Double(max(burst, 1))
        self.rate = max(rate, 0.001)
        self.disconnectAfter = disconnectAfter
        self.maxDelayed = maxDelayed ?? 512
        self.tokens = self.burst
        self.refilledAt = now
    }

    /// Decides about one line, given how many lines are already waiting.
    mutating func admit(now: NIODeadline, alreadyDelayed: Int) -> Verdict {
        self.refill(now: now)
        if alreadyDelayed == 0, self.tokens >= 1 {
            self.tokens -= 1
            self.excess = .zero
            self.resumedAt = nil
            return .allow
        }
        if let resumedAt = self.resumedAt.take() {
            self.excess = self.excess + (now - resumedAt)
        }
        if alreadyDelayed >= self.maxDelayed || self.excess > self.disconnectAfter {
            return .disconnect
        }
        return .delay(until: self.nextToken(now: now, waiting: alreadyDelayed + 1))
    }

    /// Takes a token for a delayed line whose time has come; false if none is there yet.
    mutating func takeDelayed(now: NIODeadline) -> Bool {
        self.refill(now: now)
        guard self.tokens >= 1 else { return false }
        self.tokens -= 1
        return true
    }

    /// Every delayed line was handled and the session reads again: from now on, excess
    /// counts until a line has to wait.
    mutating func caughtUp(now: NIODeadline) { self.resumedAt = now }

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
}
