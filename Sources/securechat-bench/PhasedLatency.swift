import ChatClient

/// Delivery latencies split by the phase of the run in which each message was sent.
///
/// Phase `i` holds the messages sent at or after its start and before the next phase's;
/// a message is placed by its send time, not by when it arrived, so a message sent just
/// before a storm and delayed by it still counts as a quiet one. A run that never begins
/// a second phase has one phase named by ``init(firstPhase:)``.
struct PhasedLatency {
    private struct Phase {
        let name: String
        let start: UInt64
        var latency = LatencyHistogram()
    }

    private var phases: [Phase]

    /// - Parameter firstPhase: the name of the phase that starts at time zero; "" (the
    ///   default) reports its figures without a prefix (`latency_us_p50`).
    init(firstPhase: String = "") {
        self.phases = [Phase(name: firstPhase, start: 0)]
    }

    /// Starts phase `name` at `start` (monotonic nanoseconds, after every earlier phase's).
    mutating func begin(_ name: String, at start: UInt64) {
        precondition(start >= self.phases[self.phases.count - 1].start, "phases begin in order")
        self.phases.append(Phase(name: name, start: start))
    }

    mutating func record(sentAt: UInt64, latencyNanoseconds: UInt64) {
        var index = self.phases.count - 1
        while index > 0, sentAt < self.phases[index].start { index -= 1 }
        self.phases[index].latency.record(latencyNanoseconds)
    }

    /// For each phase: `PHASE_latency_us_p50`, `_p99`, `_max`, and, for a named phase,
    /// `PHASE_deliveries` (how many it recorded).
    func report(into report: inout JSONLine) {
        for phase in self.phases {
            let prefix = phase.name.isEmpty ? "" : "\(phase.name)_"
            if !phase.name.isEmpty { report["\(prefix)deliveries"] = phase.latency.count }
            phase.latency.report(into: &report, prefix: "\(prefix)latency_us", scale: 1e3)
        }
    }
}
