import NIOCore

extension ChatServer {
    /// Where the server's connections stand in their handshakes (for tests and metrics).
    struct HandshakeCounts: Equatable, Sendable {
        /// Connections open, admitted or not.
        var connections = 0
        /// Of those, connections still in their TLS handshake.
        var handshakes = 0
        /// Handshake steps on the handshake threads now, over all I/O loops.
        var stepsOnWorkers = 0
        /// Handshake steps waiting for their loop's turn on the handshake threads.
        var stepsWaiting = 0
    }

    /// The counts now, each loop's read on its own loop.
    func handshakeCounts() async throws -> HandshakeCounts {
        var counts = HandshakeCounts()
        let gate = self.gate.counts
        (counts.connections, counts.handshakes) = (gate.open, gate.handshaking)
        for io in self.ioLoops {
            guard let jobs = io.handshakeJobs else { continue }
            let (inFlight, waiting) = try await io.eventLoop.submit { (jobs.inFlight, jobs.waiting) }.get()
            counts.stepsOnWorkers += inFlight
            counts.stepsWaiting += waiting
        }
        return counts
    }
}
