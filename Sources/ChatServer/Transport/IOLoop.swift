import Logging
import NIOConcurrencyHelpers
import NIOCore
import TLS

/// One I/O event loop of the server and the traffic between it and the hub's loop.
///
/// Connections live on an I/O loop: TLS, line framing, flood control, timers and flushes
/// all run there. What they tell the hub is queued and sent once per loop turn as one
/// batch (``post(_:)``); what the hub decides for them arrives once per hub turn as one
/// batch (``run(_:)``), whose messages were serialized once for every loop. So a turn
/// costs one thread hop each way, however many lines and recipients it carries.
final class IOLoop: Sendable {
    let eventLoop: any EventLoop
    /// This loop's place among the server's I/O loops.
    let index: Int
    let limits: ServerConfiguration.Limits
    let logger: Logger
    /// The server's connection limits and refusal log, shared by every loop.
    let gate: ConnectionGate
    private let outbox: NIOLoopBoundBox<Outbox>
    private let hub: NIOLoopBoundBox<Hub>
    /// The TLS context new handshakes use, and the one a completed handshake is checked
    /// against; replaced by the hub on reload.
    let tlsContext: NIOLockedValueBox<TLSContext>
    /// TLS handshake steps per turn of this loop, when they run on it; only on ``eventLoop``.
    let handshakes: NIOLoopBoundBox<HandshakeBudget>
    /// What this loop counts for the metrics; only on ``eventLoop``.
    let counters: NIOLoopBoundBox<TransportCounters>
    let instruments: ServerInstruments
    /// Where this loop's TLS handshake steps run when they run off it (`handshake_threads`).
    let handshakeJobs: HandshakeJobs?

    /// Events waiting for the end of this loop's turn; only on ``eventLoop``.
    private final class Outbox {
        var events: [HubEvent] = []
        var isScheduled = false
    }

    init(
        eventLoop: any EventLoop,
        index: Int,
        hub: NIOLoopBoundBox<Hub>,
        tlsContext: NIOLockedValueBox<TLSContext>,
        limits: ServerConfiguration.Limits,
        gate: ConnectionGate,
        instruments: ServerInstruments = ServerInstruments(),
        handshakeWorkers: HandshakeWorkers? = nil,
        logger: Logger
    ) {
        self.eventLoop = eventLoop
        self.index = index
        self.limits = limits
        self.gate = gate
        self.logger = logger
        self.outbox = NIOLoopBoundBox.makeBoxSendingValue(Outbox(), eventLoop: eventLoop)
        self.handshakes = NIOLoopBoundBox.makeBoxSendingValue(
            HandshakeBudget(perTurn: limits.handshakesPerTurn, eventLoop: eventLoop), eventLoop: eventLoop
        )
        self.counters = NIOLoopBoundBox.makeBoxSendingValue(TransportCounters(), eventLoop: eventLoop)
        self.instruments = instruments
        self.handshakeJobs = handshakeWorkers.map {
            HandshakeJobs(limit: limits.handshakesPerTurn, workers: $0, eventLoop: eventLoop)
        }
        self.hub = hub
        self.tlsContext = tlsContext
    }

    /// This loop's counters, with the largest send queue among `handles` (its sessions).
    func snapshot(_ handles: [SessionHandle]) -> EventLoopFuture<TransportCounters> {
        self.eventLoop.submit {
            var counters = self.counters.value
            counters.largestSendQueue = handles.reduce(0) { max($0, $1.session.value.queuedBytes) }
            return counters
        }
    }

    /// Queues `event` for the hub; on this loop only. The queue goes to the hub's loop in
    /// one hop at the end of the turn, after every ready connection has been read.
    func post(_ event: HubEvent) {
        let outbox = self.outbox.value
        outbox.events.append(event)
        guard !outbox.isScheduled else { return }
        outbox.isScheduled = true
        self.eventLoop.assumeIsolated().execute { self.sendEvents() }
    }

    private func sendEvents() {
        let outbox = self.outbox.value
        outbox.isScheduled = false
        let events = outbox.events
        outbox.events.removeAll(keepingCapacity: true)
        guard !events.isEmpty else { return }
        let hub = self.hub
        if hub.eventLoop === self.eventLoop {
            hub.value.handle(events)
        } else {
            hub.eventLoop.execute { hub.value.handle(events) }
        }
    }

    /// Carries out one hub turn's decisions for this loop's connections; from any thread.
    func run(_ batch: IOBatch) {
        if self.eventLoop.inEventLoop {
            self.carryOut(batch)
        } else {
            self.eventLoop.execute { self.carryOut(batch) }
        }
    }

    private func carryOut(_ batch: IOBatch) {
        for operation in batch.operations {
            switch operation {
            case .write(let handle, let share):
                handle.session.value.write(share, from: batch.buffer)
            case .close(let handle, let reason):
                handle.session.value.close(reason: reason)
            case .registered(let handle):
                handle.session.value.didRegister()
            case .holdReading(let handle, let held):
                handle.session.value.holdByHub(held)
            }
        }
    }

    /// Checks each session's certificate against `context` (a reloaded CA bundle or CRL)
    /// and tells the hub which no longer pass; from any thread.
    func reverify(_ handles: [SessionHandle], against context: TLSContext) {
        self.eventLoop.execute {
            for handle in handles {
                guard let error = handle.session.value.tlsHandler?.reverifyPeer(against: context) else { continue }
                self.post(.revoke(handle, reason: "Closing link: \(error.reason)"))
            }
        }
    }

    /// Closes each session with `ERROR :<reason>`; the future completes when all are closed.
    func close(_ handles: [SessionHandle], reason: String) -> EventLoopFuture<Void> {
        self.eventLoop.flatSubmit {
            let closing = handles.compactMap { handle -> EventLoopFuture<Void>? in
                let session = handle.session.value
                session.close(reason: reason)
                return session.closeFuture
            }
            return EventLoopFuture.andAllComplete(closing, on: self.eventLoop)
        }
    }
}
