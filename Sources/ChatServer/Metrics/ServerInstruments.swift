import CoreMetrics
import NIOCore
import ServerMetrics

/// The server's metric registry and the histograms observed as events happen (at most once
/// per handshake, loop tick or history batch). Shared by the hub, the I/O loops and the
/// history writer's report; every counter lives where its work happens instead
/// (``HubCounters``, ``TransportCounters``, the ``ConnectionGate``).
final class ServerInstruments: Sendable {
    let registry: MetricsRegistry
    /// From accepting the TCP connection to a completed mutual-TLS handshake.
    let handshakeDuration: CoreMetrics.Timer
    /// How late each loop's once-a-second task ran.
    let eventLoopLag: CoreMetrics.Timer
    /// How long each history batch's transaction took to commit.
    let historyCommit: CoreMetrics.Timer

    init() {
        let registry = MetricsRegistry()
        self.registry = registry
        let milliseconds: [Int] = [1, 2, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10_000]
        let fine = milliseconds.map { Duration.milliseconds($0) }
        self.handshakeDuration = registry.timer(
            "securechat_tls_handshake_duration_seconds",
            help: "Time from accepting a connection to its completed mutual-TLS handshake.", buckets: fine)
        self.eventLoopLag = registry.timer(
            "securechat_event_loop_lag_seconds",
            help: "How late a once-a-second task ran on each event loop (the hub's and the I/O loops').",
            buckets: [.microseconds(100), .microseconds(500)] + fine)
        self.historyCommit = registry.timer(
            "securechat_history_commit_duration_seconds",
            help: "Time to commit one batch of messages to the history log.", buckets: fine)
    }

    /// Records how long a handshake took.
    func handshakeCompleted(after duration: TimeAmount) {
        self.handshakeDuration.recordNanoseconds(duration.nanoseconds)
    }

    /// Records how long a history batch took to commit.
    func historyCommitted(after duration: Duration) {
        self.historyCommit.recordNanoseconds(duration.nanosecondsClamped)
    }

    /// Records how late a loop's tick ran.
    func loopLagged(_ lag: TimeAmount) {
        self.eventLoopLag.recordNanoseconds(max(0, lag.nanoseconds))
    }
}
