import Logging
import NIOConcurrencyHelpers
import NIOCore
import TLS

/// Where every connection enters and every refusal of a peer is logged: the
/// ``ConnectionLimiter`` and the ``RefusalLog`` behind one lock, shared by the I/O loops
/// and the hub.
///
/// It closes the pending connections the limiter evicts, and logs refusals through the
/// refusal log's budget, so that what a flood of peers that never log in costs in log
/// lines is bounded.
final class ConnectionGate: Sendable {
    private struct State {
        var limiter: ConnectionLimiter
        var refusals: RefusalLog
        /// The pending connections, to close one that the limiter evicts.
        var pending: [ConnectionLimiter.ConnectionID: any Channel] = [:]
    }

    private let state: NIOLockedValueBox<State>
    private let logger: Logger

    init(limits: ServerConfiguration.Limits, logger: Logger) {
        self.logger = logger
        let now = NIODeadline.now()
        self.state = NIOLockedValueBox(
            State(
                limiter: ConnectionLimiter(
                    maxTotal: limits.maxConnections,
                    maxPerAddress: limits.maxConnectionsPerAddress,
                    exemptLoopback: limits.exemptLoopbackFromAddressLimit,
                    maxHandshakes: limits.maxHandshakes,
                    maxHandshakesPerAddress: limits.maxHandshakesPerAddress,
                    busyHandshakeTimeout: TimeAmount(limits.busyHandshakeTimeout)
                ),
                refusals: RefusalLog(window: TimeAmount(limits.refusalLogWindow), now: now)
            )
        )
    }

    /// Counts an accepted connection from `address`, or closes it when it is over a
    /// limit. Returns its ID, or nil when it was refused. From the channel's loop.
    func enter(_ channel: any Channel, address: String) -> ConnectionLimiter.ConnectionID? {
        let now = NIODeadline.now()
        let (decision, evicted, limits) = self.state.withLockedValue { state in
            let decision = state.limiter.open(from: address, now: now)
            let evicted = decision.evicting.compactMap { state.pending.removeValue(forKey: $0) }
            if case .accept(let id) = decision.verdict { state.pending[id] = channel }
            return (decision, evicted, (state.limiter.maxTotal, state.limiter.maxPerAddress))
        }
        for channel in evicted {
            self.refused(.evicted, address: channel.remoteAddress?.ipAddress ?? "unknown", "closed a pending handshake to make room", now: now)
            channel.close(promise: nil)
        }
        switch decision.verdict {
        case .accept(let id):
            channel.closeFuture.whenComplete { _ in
                self.state.withLockedValue { state in
                    state.pending[id] = nil
                    state.limiter.close(id)
                }
            }
            return id
        case .tooManyInTotal:
            self.refused(.overLimit, address: address, "refused connection: \(limits.0) connections already", now: now)
        case .tooManyFromAddress:
            self.refused(.overLimit, address: address, "refused connection: \(limits.1) connections from this address already", now: now)
        }
        channel.close(promise: nil)
        return nil
    }

    /// Connections open, and those of them still in their handshake.
    var counts: (connections: Int, handshakes: Int) {
        self.state.withLockedValue { ($0.limiter.total, $0.limiter.pendingCount) }
    }

    /// The connection's handshake completed: it leaves the handshake budget.
    func handshakeCompleted(_ id: ConnectionLimiter.ConnectionID) {
        self.state.withLockedValue { state in
            state.pending[id] = nil
            state.limiter.handshakeCompleted(id)
        }
    }

    /// The handshake of connection `id` failed with `error`: logged as its kind of refusal,
    /// unless the connection was already closed to make room (and counted then).
    func handshakeFailed(_ id: ConnectionLimiter.ConnectionID, address: String, error: TLSError) {
        guard self.state.withLockedValue({ $0.limiter.isOpen(id) }) else { return }
        let metadata: Logger.Metadata = ["address": "\(address)", "code": "\(error.code)"]
        if error.code == .certificateRejected {
            self.certificateRefused("TLS: \(error)", metadata: metadata)
            return
        }
        let kind: RefusalLog.Kind =
            switch error.code {
            case .handshakeTimeout: .timeout
            case .notTLS: .notTLS
            case .certificateRequired: .noCertificate
            default: .failed
            }
        self.refused(kind, address: address, "TLS: \(error)", now: .now(), metadata: metadata)
    }

    /// Logs the refusal of a certificate holder (not in the allowlist, revoked, expired)
    /// one by one, within a budget of its own.
    func certificateRefused(_ message: @autoclosure () -> String, metadata: Logger.Metadata) {
        let (logIt, summary) = self.state.withLockedValue { $0.refusals.certificateRefused(now: .now()) }
        self.log(summary)
        if logIt { self.logger.warning("\(message())", metadata: metadata) }
    }

    /// Logs the summary of the refusals not logged one by one, once their window ended;
    /// called every few seconds, so that the last of an attack is summed up too.
    func logSummary() {
        self.log(self.state.withLockedValue { $0.refusals.summary(now: .now()) })
    }

    private func refused(
        _ kind: RefusalLog.Kind, address: String, _ message: @autoclosure () -> String, now: NIODeadline,
        metadata: Logger.Metadata? = nil
    ) {
        let (logIt, summary) = self.state.withLockedValue { $0.refusals.refused(kind, address: address, now: now) }
        self.log(summary)
        if logIt { self.logger.notice("\(message())", metadata: metadata ?? ["address": "\(address)"]) }
    }

    private func log(_ summary: String?) {
        if let summary { self.logger.warning("\(summary)") }
    }
}
