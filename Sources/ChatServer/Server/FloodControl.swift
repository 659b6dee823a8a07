import NIOCore

/// Per-client flood control: a token bucket of commands.
///
/// A client may send `burst` commands at once; tokens refill at `rate` per second. A command
/// that finds no token is delayed until one is available (the session stops reading
/// meanwhile, so TCP pushes back). A client that stays in excess for longer than
/// `disconnectAfter` (it still has delayed commands then), or piles up more than
/// `maxDelayed` of them (a memory bound), is abusive and is disconnected. A paste of a few
/// dozen lines is only slowed down.
struct FloodControl {
    let burst: Double
    let rate: Double
    let disconnectAfter: TimeAmount
    let maxDelayed: Int
    private var tokens: Double
    private var refilledAt: NIODeadline
    /// When the client first ran out of tokens in the current stretch of excess.
    private var excessSince: NIODeadline?

    enum Verdict: Equatable {
        /// Process the command now.
        case allow
        /// Process it at the given time.
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

    /// Decides about one command, given how many commands are already waiting.
    mutating func admit(now: NIODeadline, alreadyDelayed: Int) -> Verdict {
        self.refill(now: now)
        if alreadyDelayed == 0, self.tokens >= 1 {
            self.tokens -= 1
            self.excessSince = nil
            return .allow
        }
        let since = self.excessSince ?? now
        self.excessSince = since
        if alreadyDelayed >= self.maxDelayed || now - since > self.disconnectAfter {
            return .disconnect
        }
        return .delay(until: self.nextToken(now: now, waiting: alreadyDelayed + 1))
    }

    /// Takes a token for a delayed command whose time has come; false if none is there yet.
    mutating func takeDelayed(now: NIODeadline) -> Bool {
        self.refill(now: now)
        guard self.tokens >= 1 else { return false }
        self.tokens -= 1
        return true
    }

    /// True when the client has been in excess for longer than `disconnectAfter`.
    func isAbusive(now: NIODeadline) -> Bool {
        guard let since = self.excessSince else { return false }
        return now - since > self.disconnectAfter
    }

    /// Marks the end of a stretch of excess (no more delayed commands).
    mutating func caughtUp() { self.excessSince = nil }

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
