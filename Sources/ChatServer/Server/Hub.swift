import Foundation
import IRC
import Logging
import NIOCore
import TLS

/// The single owner of the room: ``HubState``, the sessions, the allowlist and the TLS
/// context, all confined to one event loop.
///
/// Every connection runs on that same loop, so routing a message is a plain function call
/// and a write; no locks and no thread hops. Each message is serialized once per turn into
/// ``TurnOutput``; at the end of the turn every recipient is flushed once, its share of
/// that buffer encrypted in as few TLS records as its size allows.
final class Hub {
    let loop: any EventLoop
    let configuration: ServerConfiguration
    let logger: Logger
    let serverSource: IRCSource
    private(set) var state: HubState
    private(set) var allowlist: Allowlist
    private(set) var tlsContext: TLSContext
    var limiter: ConnectionLimiter
    /// The connections, under the IDs ``HubState`` gave them.
    private var connections = SessionTable<SessionHandler>()
    private var isShuttingDown = false
    private var awaitingFlush: [SessionHandler] = []
    private var flushScheduled = false
    private var isFlushing = false
    private let allocator = ByteBufferAllocator()
    /// What this loop turn sends; read by the sessions when they flush.
    private(set) var output: TurnOutput

    init(
        loop: any EventLoop,
        configuration: ServerConfiguration,
        hubConfiguration: HubConfiguration,
        allowlist: Allowlist,
        tlsContext: TLSContext,
        logger: Logger
    ) {
        self.loop = loop
        self.configuration = configuration
        self.logger = logger
        self.serverSource = IRCSource(configuration.serverName)
        self.state = HubState(configuration: hubConfiguration)
        self.allowlist = allowlist
        self.tlsContext = tlsContext
        self.output = TurnOutput(allocator: self.allocator)
        self.limiter = ConnectionLimiter(
            maxTotal: configuration.limits.maxConnections,
            maxPerAddress: configuration.limits.maxConnectionsPerAddress,
            exemptLoopback: configuration.limits.exemptLoopbackFromAddressLimit
        )
    }

    var sessionCount: Int { self.connections.count }

    // MARK: sessions

    /// A TLS handshake finished: the hub state admits the certificate if the allowlist
    /// binds a nick to it, and refuses it otherwise (naming the allowlist line to add).
    ///
    /// A handshake that began before a TLS reload was verified against the previous CA
    /// bundle and CRL, which ``reloadTLS(_:)`` could not check yet: it is verified again
    /// against the current ones.
    func admit(_ session: SessionHandler, identity: PeerIdentity) {
        let certificate = identity.certificate
        let clientIdentity = ClientIdentity(
            certificateFingerprint: certificate.fingerprint,
            publicKeyFingerprint: certificate.publicKeyFingerprint,
            commonName: certificate.commonName,
            certificateNotAfter: certificate.notAfter,
            boundNicks: self.allowlist.nicks(for: certificate),
            host: session.address
        )
        let now = Date()
        var (id, outputs) = self.state.connect(identity: clientIdentity, now: now)
        session.id = id
        self.connections.place(session, at: id)
        if let handler = session.tlsHandler, handler.tlsContext !== self.tlsContext,
            let error = handler.reverifyPeer(against: self.tlsContext)
        {
            self.logger.notice(
                "refused a connection whose handshake began before the TLS reload: \(error.reason)",
                metadata: self.metadata(session)
            )
            outputs += self.state.revoke(id, reason: "Closing link: \(error.reason)", now: now)
        } else if clientIdentity.boundNicks.isEmpty {
            self.logger.warning(
                "refused certificate not in the allowlist; to admit it add this line: \(clientIdentity.suggestedAllowlistLine)",
                metadata: self.metadata(session)
            )
        } else {
            self.logger.info("connected", metadata: self.metadata(session))
        }
        self.apply(outputs)
    }

    /// One line (or an over-long line's notice) from the session, for the hub state.
    func receive(_ event: IRCLineEvent, from session: SessionHandler) {
        guard let id = session.id else { return }
        self.apply(self.state.receive(event, from: id, now: Date()))
    }

    /// The transport must close the session (timeout, flood, send queue, framing): the
    /// hub state says goodbye to it and to its channels.
    func close(_ session: SessionHandler, reason: String) {
        guard let id = session.id else { return }
        self.apply(self.state.close(id, reason: reason, now: Date()))
        self.flushPending()
    }

    /// The session was silent for the ping interval.
    func ping(_ session: SessionHandler) {
        guard let id = session.id else { return }
        self.apply(self.state.ping(id))
        self.flushPending()
    }

    /// The connection is gone; tell the room if the hub still knew it.
    func disconnected(_ session: SessionHandler, reason: String) {
        guard !self.isShuttingDown, let id = session.id, self.connections.removeValue(forKey: id) != nil else { return }
        self.logger.info("disconnected: \(reason)", metadata: self.metadata(session))
        self.apply(self.state.disconnect(id, reason: reason, now: Date()))
        self.flushPending()
    }

    // MARK: output

    /// Carries out the hub's decisions: each message is serialized once and the same bytes
    /// are written to every recipient.
    func apply(_ outputs: [HubOutput]) {
        for output in outputs {
            switch output {
            case .send(let message, let recipients):
                let range = self.output.append(message)
                for id in recipients {
                    guard let session = self.connections[id] else { continue }
                    self.route(range, to: session)
                }
            case .close(let id, let nick, let reason):
                guard let session = self.connections.removeValue(forKey: id) else { continue }
                self.logger.info("closing: \(reason)", metadata: self.metadata(session, nick: nick))
                session.close(reason: reason)
            case .registered(let id, _, let account):
                guard let session = self.connections[id] else { continue }
                session.didRegister()
                var metadata = self.metadata(session)
                metadata["account"] = "\(account)"
                self.logger.info("registered", metadata: metadata)
            }
        }
    }

    private func route(_ range: Range<Int>, to session: SessionHandler) {
        guard session.queue(range, turn: self.output.turn) else { return }
        if !session.awaitsFlush {
            session.awaitsFlush = true
            self.awaitingFlush.append(session)
        }
        if !self.flushScheduled {
            self.flushScheduled = true
            // After every read of this loop turn has been handled.
            self.loop.assumeIsolated().execute { self.flushPending() }
        }
    }

    /// Flushes every session written to since the last flush, then starts a new turn.
    ///
    /// A flush can close a connection, whose QUIT is routed to others during the flush: a
    /// nested call returns at once and the outer loop flushes those too, so that no session
    /// holds ranges of a turn that has ended.
    func flushPending() {
        self.flushScheduled = false
        guard !self.isFlushing else { return }
        self.isFlushing = true
        while !self.awaitingFlush.isEmpty {
            let sessions = self.awaitingFlush
            self.awaitingFlush.removeAll(keepingCapacity: true)
            for session in sessions { session.flush() }
        }
        self.isFlushing = false
        self.output.nextTurn(allocator: self.allocator)
    }

    // MARK: reload and shutdown

    /// Reads the allowlist again. A malformed file is refused as a whole (the old list
    /// stays). What the change means for each live session is ``AllowlistReload``'s
    /// decision: sessions whose certificate lost every line are closed at once, those
    /// whose bindings changed are told their current nicks, the others are left alone.
    /// `contents`: the bytes the file watcher read once the write was complete, if any.
    @discardableResult
    func reloadAllowlist(contents: [UInt8]? = nil) -> Bool {
        let fresh: Allowlist
        do {
            fresh = try Allowlist.load(path: self.configuration.allowlistPath, contents: contents)
        } catch {
            self.logger.error("allowlist not reloaded, the previous one stays in force: \(error.reason)")
            return false
        }
        let reload = AllowlistReload(old: self.allowlist, new: fresh)
        self.allowlist = fresh
        var closed = 0
        if reload.hasChanges {
            let now = Date()
            for session in self.connections.allValues {
                guard let id = session.id, let certificate = session.certificate else { continue }
                switch reload.outcome(for: certificate, nick: self.state.nick(of: id)) {
                case .unchanged:
                    continue
                case .revoked:
                    closed += 1
                    self.logger.notice("certificate no longer allowed", metadata: self.metadata(session))
                    self.apply(self.state.disallow(id, now: now))
                case .nicksChanged(let nicks), .nickRemoved(let nicks):
                    self.apply(self.state.updateBindings(id, boundNicks: nicks, now: now))
                }
            }
        }
        self.flushPending()
        self.logger.log(level: fresh.isEmpty ? .warning : .notice, "\(reload.summary(closed: closed))")
        return true
    }

    /// Makes `context` the TLS context for new handshakes, and closes live sessions whose
    /// certificate the new CA bundle or CRL no longer admits. Returns how many it closed.
    @discardableResult
    func reloadTLS(_ context: TLSContext) -> Int {
        self.tlsContext = context
        var closed = 0
        let now = Date()
        for session in self.connections.allValues {
            guard let id = session.id, let error = session.tlsHandler?.reverifyPeer(against: context) else { continue }
            closed += 1
            self.logger.notice("certificate no longer accepted: \(error.reason)", metadata: self.metadata(session))
            self.apply(self.state.revoke(id, reason: "Closing link: \(error.reason)", now: now))
        }
        self.flushPending()
        return closed
    }

    /// Says goodbye to every session; the future completes when all are closed.
    func shutdown() -> EventLoopFuture<Void> {
        self.isShuttingDown = true
        let sessions = self.connections.allValues
        for session in sessions { session.close(reason: "Server shutting down") }
        let closing = sessions.compactMap(\.closeFuture)
        return EventLoopFuture.andAllComplete(closing, on: self.loop)
    }

    /// Logs, once a day and at start, the live sessions whose certificate expires soon.
    func logExpiringCertificates(now: Date = Date()) {
        let days = self.configuration.limits.expiryWarningDays
        self.connections.forEach { session in
            guard let certificate = session.certificate else { return }
            let left = certificate.daysUntilExpiry(from: now)
            if left <= days {
                self.logger.warning(
                    "client certificate expires in \(left) days",
                    metadata: self.metadata(session)
                )
            }
        }
    }

    func logTLSFailure(_ error: TLSError, session: SessionHandler) {
        var metadata = self.metadata(session)
        metadata["code"] = "\(error.code)"
        self.logger.notice("TLS: \(error)", metadata: metadata)
    }

    /// What every log line about a session carries; `nick` for a session the hub state
    /// has already let go of.
    private func metadata(_ session: SessionHandler, nick: String? = nil) -> Logger.Metadata {
        var metadata: Logger.Metadata = ["address": "\(session.address)"]
        if let certificate = session.certificate {
            metadata["fingerprint"] = "\(certificate.fingerprint)"
            if let name = certificate.commonName { metadata["cn"] = "\(name)" }
        }
        if let nick = session.id.flatMap({ self.state.nick(of: $0) }) ?? nick { metadata["nick"] = "\(nick)" }
        if let id = session.id { metadata["session"] = "\(id)" }
        return metadata
    }
}
