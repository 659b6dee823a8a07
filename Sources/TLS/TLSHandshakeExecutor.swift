import NIOCore
import Synchronization

/// Runs the CPU-heavy steps of TLS handshakes (key exchange, signatures, certificate
/// verification) on threads other than the channel's event loop, so that the loop only
/// moves bytes.
///
/// A ``TLSHandler`` given one hands each handshake step to ``execute(_:)`` and touches its
/// connection again only once the step has come back to its event loop.
public protocol TLSHandshakeExecutor: Sendable {
    /// Runs `work` once, soon, on a thread of the executor's choosing.
    ///
    /// Called on the channel's event loop. An executor that is shutting down may drop
    /// `work`: the handshake then makes no progress and its timeout closes the channel.
    func execute(_ work: @escaping @Sendable () -> Void)
}

/// What one handshake step produced, carried from the thread that ran it back to the loop.
struct TLSHandshakeStep: Sendable {
    var outcome: TLSConnection.Outcome<Void>
    /// Ciphertext for the peer (the next flight, or an alert).
    var output: ByteBuffer?
    /// The peer's identity, read as soon as the handshake completed.
    var identity: PeerIdentity?
}

extension TLSConnection {
    /// Advances the handshake and collects what it produced: one step, on whichever thread
    /// owns the connection at the time.
    func handshakeStep() -> TLSHandshakeStep {
        let outcome = self.handshake()
        var identity: PeerIdentity?
        if case .complete = outcome {
            identity = self.peerIdentity()
        }
        return TLSHandshakeStep(outcome: outcome, output: self.takeOutput(), identity: identity)
    }
}

/// A ``TLSConnection`` lent to a handshake job on another thread.
///
/// Invariant: one thread at a time uses the connection. The handler creates the loan on the
/// channel's event loop and from then on does not touch the connection (it holds incoming
/// bytes back, and a close or failure skips the connection) until the job's step has come
/// back to the loop; the job touches it only between being started and handing its step
/// back. The executor's queue and the loop's task queue order the two hand-overs, so each
/// side sees the other's writes. Hence `@unchecked Sendable`.
final class TLSConnectionLoan: @unchecked Sendable {
    private let connection: TLSConnection
    /// Set on the loop when the channel closed while the job was out: a job that has not
    /// started yet skips the work.
    private let abandoned = Atomic<Bool>(false)

    init(_ connection: TLSConnection) {
        self.connection = connection
    }

    /// Marks the loan as no longer wanted; on the channel's event loop.
    func abandon() {
        self.abandoned.store(true, ordering: .relaxed)
    }

    /// Runs one handshake step, or nothing when the loan was abandoned first; on the job's
    /// thread.
    func step() -> TLSHandshakeStep? {
        guard !self.abandoned.load(ordering: .relaxed) else { return nil }
        return self.connection.handshakeStep()
    }
}
