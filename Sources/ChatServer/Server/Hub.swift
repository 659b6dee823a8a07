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
    private var sessions = SessionSlots()
    private var nextSessionID: UInt64 = 1
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

    var sessionCount: Int { self.sessions.count }

    // MARK: sessions

    /// A TLS handshake finished: admit the certificate if the allowlist binds a nick to it.
    /// A refused client gets an ERROR line with the exact allowlist line to add.
    ///
    /// A handshake that began before a TLS reload was verified against the previous CA
    /// bundle and CRL, which ``reloadTLS(_:handlers:)`` could not check yet: it is verified
    /// again against the current ones first.
    func admit(_ session: SessionHandler, identity: PeerIdentity) {
        let certificate = identity.certificate
        if let handler = session.tlsHandler, handler.tlsContext !== self.tlsContext,
            let error = handler.reverifyPeer(against: self.tlsContext)
        {
            self.logger.notice(
                "refused a connection whose handshake began before the TLS reload: \(error.reason)",
                metadata: self.metadata(session, certificate)
            )
            session.close(reason: "Closing link: \(error.reason)")
            return
        }
        let nicks = self.allowlist.nicks(for: certificate)
        guard !nicks.isEmpty else {
            let line = Allowlist.suggestedLine(for: certificate)
            self.logger.warning(
                "refused certificate not in the allowlist; to admit it add this line: \(line)",
                metadata: self.metadata(session, certificate)
            )
            session.close(
                reason: "Closing link: your certificate is not in this server's allowlist. "
                    + "To admit it, an administrator adds this line to the allowlist: \(line)"
            )
            return
        }
        let id = self.sessions.insert(session, counter: self.nextSessionID)
        self.nextSessionID += 1
        session.id = id
        session.boundNicks = nicks
        self.logger.info("connected", metadata: self.metadata(session, certificate))
        let clientIdentity = ClientIdentity(
            certificateFingerprint: certificate.fingerprint,
            publicKeyFingerprint: certificate.publicKeyFingerprint,
            commonName: certificate.commonName,
            certificateNotAfter: certificate.notAfter,
            boundNicks: nicks,
            host: session.address
        )
        self.apply(self.state.connect(id, identity: clientIdentity, now: Date()))
    }

    func receive(_ message: IRCMessage, from session: SessionHandler) {
        guard let id = session.id, self.sessions[id] != nil else { return }
        // QUIT and the like leave the hub state before their log line is written.
        session.lastNick = self.state.nick(of: id) ?? session.lastNick
        self.apply(self.state.handle(message, from: id, now: Date()))
    }

    /// The connection is gone; tell the room if the hub still knew it.
    func disconnected(_ session: SessionHandler, reason: String) {
        guard let id = session.id, self.sessions.remove(id) != nil else { return }
        self.logger.info("disconnected: \(reason)", metadata: self.metadata(session, session.certificate))
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
                    guard let session = self.sessions[id] else { continue }
                    self.route(range, to: session)
                }
            case .close(let id, let reason):
                guard let session = self.sessions.remove(id) else { continue }
                self.logger.info("closing: \(reason)", metadata: self.metadata(session, session.certificate))
                session.close(reason: reason)
            case .registered(let id, _, let account):
                guard let session = self.sessions[id] else { continue }
                session.didRegister()
                var metadata = self.metadata(session, session.certificate)
                metadata["account"] = "\(account)"
                self.logger.info("registered", metadata: metadata)
            }
        }
    }

    /// Sends `message` to one session (a reply the transport itself makes).
    func send(_ message: IRCMessage, to session: SessionHandler) {
        self.route(self.output.append(message), to: session)
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
    /// stays); sessions whose certificate lost every line are closed at once; the others are
    /// told their current nicks and otherwise untouched.
    @discardableResult
    func reloadAllowlist() -> Bool {
        let fresh: Allowlist
        do {
            fresh = try Allowlist.load(path: self.configuration.allowlistPath)
        } catch {
            self.logger.error("allowlist not reloaded, the previous one stays in force: \(error.reason)")
            return false
        }
        self.allowlist = fresh
        var closed = 0
        for session in self.sessions.all {
            guard let id = session.id, let certificate = session.certificate else { continue }
            let nicks = fresh.nicks(for: certificate)
            if nicks.isEmpty {
                closed += 1
                self.drop(id, session, reason: "Closing link: certificate no longer allowed", quit: "Certificate no longer allowed")
            } else if nicks != session.boundNicks {
                session.boundNicks = nicks
                self.apply(self.state.updateBindings(id, boundNicks: nicks, now: Date()))
            }
        }
        self.flushPending()
        self.logger.notice("allowlist reloaded: \(fresh.entries.count) lines, \(closed) sessions closed")
        return true
    }

    /// Makes a new TLS context from the configured files for new handshakes, and closes live
    /// sessions whose certificate the new CA bundle or CRL no longer admits.
    @discardableResult
    func reloadTLS(_ context: TLSContext, handlers: (SessionHandler) -> TLSHandler?) -> Int {
        self.tlsContext = context
        var closed = 0
        for session in self.sessions.all {
            guard let id = session.id, let handler = handlers(session), let error = handler.reverifyPeer(against: context) else { continue }
            closed += 1
            self.drop(id, session, reason: "Closing link: \(error.reason)", quit: "Certificate no longer accepted")
        }
        self.flushPending()
        return closed
    }

    private func drop(_ id: SessionID, _ session: SessionHandler, reason: String, quit: String) {
        self.sessions.remove(id)
        self.logger.notice("\(reason)", metadata: self.metadata(session, session.certificate))
        self.apply(self.state.disconnect(id, reason: quit, now: Date()))
        session.close(reason: reason)
    }

    /// Says goodbye to every session; the future completes when all are closed.
    func shutdown() -> EventLoopFuture<Void> {
        let sessions = self.sessions.removeAll()
        for session in sessions { session.close(reason: "Server shutting down") }
        let closing = sessions.compactMap(\.closeFuture)
        return EventLoopFuture.andAllComplete(closing, on: self.loop)
    }

    /// Logs, once a day and at start, the live sessions whose certificate expires soon.
    func logExpiringCertificates(now: Date = Date()) {
        let days = self.configuration.limits.expiryWarningDays
        for session in self.sessions.all {
            guard let certificate = session.certificate else { continue }
            let left = certificate.daysUntilExpiry(from: now)
            if left <= days {
                self.logger.warning(
                    "client certificate expires in \(left) days",
                    metadata: self.metadata(session, certificate)
                )
            }
        }
    }

    func logTLSFailure(_ error: TLSError, session: SessionHandler) {
        var metadata = self.metadata(session, session.certificate)
        metadata["code"] = "\(error.code)"
        self.logger.notice("TLS: \(error)", metadata: metadata)
    }

    private func metadata(_ session: SessionHandler, _ certificate: CertificateInfo?) -> Logger.Metadata {
        var metadata: Logger.Metadata = ["address": "\(session.address)"]
        if let certificate {
            metadata["fingerprint"] = "\(certificate.fingerprint)"
            if let name = certificate.commonName { metadata["cn"] = "\(name)" }
        }
        if let nick = session.id.flatMap({ self.state.nick(of: $0) }) ?? session.lastNick { metadata["nick"] = "\(nick)" }
        if let id = session.id { metadata["session"] = "\(id)" }
        return metadata
    }
}
