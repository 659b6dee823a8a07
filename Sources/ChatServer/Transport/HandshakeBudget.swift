import NIOCore

/// How many TLS handshake steps an I/O loop runs before it lets its other work through.
///
/// A mutual-TLS handshake costs the server about a millisecond of CPU. When thousands of
/// clients reconnect at once (a restarted hub), running every ready handshake at once
/// would hold the loop for seconds while the sessions already on it wait for their
/// flushes. Each connection still in its handshake takes a token per read
/// (``HandshakePacer``); a loop hands out `perTurn` tokens, and a connection that finds
/// none waits, its bytes held and its reads paused, until the tokens come back: no sooner
/// than ``refillInterval`` later, by a timer, so that the loop has gone through its
/// sockets and its queued flushes in between (a task queued by a task would run in the
/// same pass of NIO's loop, before any I/O). So a storm slows admission, not chat.
/// Loop-confined.
final class HandshakeBudget {
    let perTurn: Int
    /// The least time between two hand-outs of tokens.
    static let refillInterval = TimeAmount.milliseconds(1)
    private let eventLoop: any EventLoop
    private var remaining: Int
    private var refillScheduled = false
    /// Connections waiting for a token, in the order they asked.
    private var waiting: [() -> Void] = []

    init(perTurn: Int, eventLoop: any EventLoop) {
        self.perTurn = max(perTurn, 1)
        self.eventLoop = eventLoop
        self.remaining = self.perTurn
    }

    /// Takes a token for one handshake step now, or returns false and calls `resume` in a
    /// later turn, once a token is set aside for it.
    func take(orWait resume: @escaping () -> Void) -> Bool {
        if self.waiting.isEmpty, self.remaining > 0 {
            self.remaining -= 1
            self.scheduleRefill()
            return true
        }
        self.waiting.append(resume)
        self.scheduleRefill()
        return false
    }

    /// A turn later (``refillInterval``, after the loop's I/O and queued tasks): the new
    /// tokens go to the waiting connections first, oldest first.
    private func scheduleRefill() {
        guard !self.refillScheduled else { return }
        self.refillScheduled = true
        self.eventLoop.assumeIsolated().scheduleTask(in: Self.refillInterval) {
            self.refillScheduled = false
            self.remaining = self.perTurn
            let served = min(self.remaining, self.waiting.count)
            let resumed = self.waiting.prefix(served)
            self.waiting.removeFirst(served)
            self.remaining -= served
            for resume in resumed { resume() }
            // Tokens used or waiters left: the next turn refills again.
            if !self.waiting.isEmpty || self.remaining < self.perTurn { self.scheduleRefill() }
        }
    }
}
