import NIOCore

/// The three deadlines of one session as a value: registration, the PING after silence,
/// and the PONG (any bytes, in fact) that must follow it.
///
/// The transport keeps one timer per session set to ``nextDeadline``; when it fires,
/// ``tick(now:)`` says what to do. No clock is read here, so the rules are tested
/// without sockets or sleeps.
struct SessionTimers {
    /// What the transport does when the timer fires.
    enum Action: Equatable {
        /// Nothing is due yet (the timer fired early, or activity moved the deadline).
        case nothingDue
        /// The session was silent for the ping interval: send PING.
        case sendPing
        /// A deadline passed: close the session, with this reason.
        case close(reason: String)
    }

    let registrationTimeout: Duration
    let pingInterval: Duration
    let pingTimeout: Duration
    private(set) var isRegistered = false
    private let admittedAt: NIODeadline
    private var lastActivity: NIODeadline
    private var pingSentAt: NIODeadline?

    /// Timers for a session admitted at `now`: registration must complete within
    /// `registrationTimeout`.
    init(registrationTimeout: Duration, pingInterval: Duration, pingTimeout: Duration, now: NIODeadline) {
        self.registrationTimeout = registrationTimeout
        self.pingInterval = pingInterval
        self.pingTimeout = pingTimeout
        self.admittedAt = now
        self.lastActivity = now
    }

    /// Registration completed: from now on only silence counts.
    mutating func registered() {
        self.isRegistered = true
    }

    /// The client sent bytes (a line, part of one, a PONG): it is there. The ping timer
    /// measures silence, not chat.
    mutating func activity(now: NIODeadline) {
        self.lastActivity = now
        self.pingSentAt = nil
    }

    /// When the transport must call ``tick(now:)`` next.
    var nextDeadline: NIODeadline {
        if !self.isRegistered {
            return self.admittedAt + TimeAmount(self.registrationTimeout)
        }
        if let pingSentAt = self.pingSentAt {
            return pingSentAt + TimeAmount(self.pingTimeout)
        }
        return self.lastActivity + TimeAmount(self.pingInterval)
    }

    /// What is due at `now`.
    mutating func tick(now: NIODeadline) -> Action {
        guard now >= self.nextDeadline else { return .nothingDue }
        if !self.isRegistered {
            return .close(reason: "Closing link: registration timed out after \(self.registrationTimeout.components.seconds) seconds")
        }
        if self.pingSentAt != nil {
            return .close(reason: "Ping timeout: \(self.pingTimeout.components.seconds) seconds")
        }
        self.pingSentAt = now
        return .sendPing
    }
}
