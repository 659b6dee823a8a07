import Foundation
import HistoryStore
import IRC
import Logging
import NIOConcurrencyHelpers
import NIOCore
import TLS

/// The single owner of the room: ``HubState``, the allowlist and the admitted sessions,
/// confined to the hub's own event loop.
///
/// Connections live on I/O loops (``IOLoop``), which do TLS, framing and flushing; they
/// send their events here in one batch per loop turn (``handle(_:)``), so routing stays a
/// plain function call with no locks in it. Each message is serialized once per hub turn
/// into ``TurnOutput``; at the end of the turn each I/O loop gets one batch with every
/// recipient's share of that buffer, and encrypts it on the recipient's own loop.
final class Hub {
    let loop: any EventLoop
    let configuration: ServerConfiguration
    let logger: Logger
    /// The room; changed only by the events this hub handles.
    var state: HubState
    private(set) var allowlist: Allowlist
    /// The TLS context for new handshakes, shared with the I/O loops.
    let tlsContext: NIOLockedValueBox<TLSContext>
    /// Logs refused certificates within their budget.
    let gate: ConnectionGate

    /// An admitted session as the hub keeps it.
    struct Connection {
        let handle: SessionHandle
        let address: String
        let certificate: CertificateInfo
        /// What was routed to it this turn.
        var pending = PendingOutput()
        var awaitsFlush = false
    }

    /// The durable log of messages; nil when `[history] enabled = false`.
    let history: HistoryStore?
    /// `moderation.jsonl`; nil when nothing is moderated (no filter file, no history log
    /// for reports).
    let auditLog: ModerationAuditLog?
    /// Sends held until their record is stored (``HubOutput/sendWhenStored(_:to:id:)``).
    private var held: [MessageID: HeldSend] = [:]
    /// Records whose held sends wait under a later record (``HubOutput/sendAllWhenStored(_:to:ids:)``).
    private var coveredBy: [MessageID: MessageID] = [:]
    /// How many held sends wait for each session.
    private var heldCount: [SessionID: Int] = [:]
    /// Sessions whose reading is held back because too many of their messages wait for
    /// the disk: above ``holdReadingAbove`` reading stops, at ``resumeReadingAt`` it resumes.
    private var readingHeld: Set<SessionID> = []
    static let holdReadingAbove = 256
    static let resumeReadingAt = 64
    /// Sessions the hub state closed while sends were held for them; closed once released.
    private var lingering: [SessionID: Lingering] = [:]

    /// A closed session waiting for its held sends.
    struct Lingering {
        var connection: Connection
        let nick: String?
        let reason: String
    }
    /// The server as the source of its own messages.
    let serverSource: IRCSource

    /// The admitted sessions, under the IDs ``HubState`` gave them.
    private var connections = SessionTable<Connection>()
    private var isShuttingDown = false
    private var awaitingFlush: [SessionID] = []
    private var flushScheduled = false
    /// This turn's operations per I/O loop, by ``IOLoop/index``.
    private var outbound: [(loop: IOLoop, operations: [IOOperation])?] = []
    private let allocator = ByteBufferAllocator()
    /// What this turn sends.
    private var output: TurnOutput
    /// What the metrics read (``HubCounters``).
    var counters = HubCounters()

    init(
        loop: any EventLoop,
        configuration: ServerConfiguration,
        hubConfiguration: HubConfiguration,
        allowlist: Allowlist,
        tlsContext: NIOLockedValueBox<TLSContext>,
        gate: ConnectionGate,
        history: HistoryStore? = nil,
        auditLog: ModerationAuditLog? = nil,
        openReports: [StoredReport] = [],
        readMarkers: [ReadMarker] = [],
        logger: Logger
    ) {
        self.loop = loop
        self.history = history
        self.auditLog = auditLog
        self.serverSource = IRCSource(hubConfiguration.serverName)
        self.configuration = configuration
        self.logger = logger
        self.state = HubState(configuration: hubConfiguration)
        // Without a log nothing can be kept for an offline nick: 401, as for a stranger.
        if history != nil { self.state.setKnownNicks(allowlist.entries.map(\.nick)) }
        _ = self.state.setOperators(configuration.operators)
        self.state.setOpenReports(openReports)
        self.state.setReadMarkers(readMarkers)
        self.allowlist = allowlist
        self.tlsContext = tlsContext
        self.gate = gate
        self.output = TurnOutput(allocator: self.allocator)
    }

    /// Admitted sessions.
    var sessionCount: Int { self.connections.count }

    // MARK: events

    /// One I/O loop turn's events, in the order they happened there.
    func handle(_ events: [HubEvent]) {
        // The events of one batch arrived within one turn: one clock reading serves them all.
        let now = Date()
        for event in events {
            switch event {
            case .admit(let handle, let identity, let address, let refusal):
                self.admit(handle, identity: identity, address: address, refusal: refusal, now: now)
            case .line(let handle, let line):
                guard let id = handle.id else { continue }
                self.apply(self.state.receive(line, from: id, now: now))
            case .close(let handle, let reason):
                guard let id = handle.id else { continue }
                self.apply(self.state.close(id, reason: reason, now: now))
            case .ping(let handle):
                guard let id = handle.id else { continue }
                self.apply(self.state.ping(id))
            case .revoke(let handle, let reason):
                guard let id = handle.id, let connection = self.connections[id] else { continue }
                self.logger.notice("certificate no longer accepted: \(reason)", metadata: self.metadata(connection, id))
                self.apply(self.state.revoke(id, reason: reason, now: now))
            case .tlsFailure(let handle, let error):
                guard let id = handle.id, let connection = self.connections[id] else { continue }
                var metadata = self.metadata(connection, id)
                metadata["code"] = "\(error.code)"
                self.logger.notice("TLS: \(error)", metadata: metadata)
            case .disconnected(let handle, let reason):
                guard !self.isShuttingDown, let id = handle.id, let connection = self.connections[id] else { continue }
                self.logger.info("disconnected: \(reason)", metadata: self.metadata(connection, id))
                self.counters.disconnected(reason)
                self.connections.removeValue(forKey: id)
                self.heldCount[id] = nil
                self.readingHeld.remove(id)
                self.apply(self.state.disconnect(id, reason: reason, now: now))
            }
        }
        self.scheduleFlush()
    }

    /// A TLS handshake finished: the hub state admits the certificate if the allowlist
    /// binds a nick to it, and refuses it otherwise (naming the allowlist line to add).
    /// `refusal` is set when the I/O loop found that the certificate fails a TLS context
    /// loaded while its handshake was under way.
    private func admit(_ handle: SessionHandle, identity: PeerIdentity, address: String, refusal: String?, now: Date) {
        let certificate = identity.certificate
        let clientIdentity = ClientIdentity(
            certificateFingerprint: certificate.fingerprint,
            publicKeyFingerprint: certificate.publicKeyFingerprint,
            commonName: certificate.commonName,
            certificateNotAfter: certificate.notAfter,
            boundNicks: self.allowlist.nicks(for: certificate),
            host: address
        )
        var (id, outputs) = self.state.connect(identity: clientIdentity, now: now)
        handle.id = id
        let connection = Connection(handle: handle, address: address, certificate: certificate)
        self.connections.place(connection, at: id)
        if let refusal {
            self.counters.admissionsRefused[.tlsReload, default: 0] += 1
            self.logger.notice(
                "refused a connection whose handshake began before the TLS reload: \(refusal)",
                metadata: self.metadata(connection, id)
            )
            outputs += self.state.revoke(id, reason: "Closing link: \(refusal)", now: now)
        } else if clientIdentity.boundNicks.isEmpty {
            self.counters.admissionsRefused[.notAllowlisted, default: 0] += 1
            self.gate.certificateRefused(
                "refused certificate not in the allowlist; to admit it add this line: \(clientIdentity.suggestedAllowlistLine)",
                metadata: self.metadata(connection, id)
            )
        } else {
            self.counters.admitted += 1
            self.counters.certificatesSeen[certificate.fingerprint] = (certificate.notAfter, now)
            // One info line per connection: "registered" follows with the same details.
            self.logger.debug("connected", metadata: self.metadata(connection, id))
        }
        self.apply(outputs)
    }

    // MARK: output

    /// Carries out the hub state's decisions: each message is serialized once and every
    /// recipient records where it is.
    func apply(_ outputs: [HubOutput]) {
        for output in outputs {
            switch output {
            case .send(let message, let recipients):
                let range = self.output.append(message)
                let turn = self.output.turn
                self.counters.deliveries += recipients.count
                self.counters.sentBytes += range.count * recipients.count
                for id in recipients {
                    let first = self.connections.update(id) { connection -> Bool in
                        connection.pending.add(range, turn: turn)
                        defer { connection.awaitsFlush = true }
                        return !connection.awaitsFlush
                    }
                    if first == true { self.awaitingFlush.append(id) }
                }
            case .close(let id, let nick, let reason):
                guard let connection = self.connections.removeValue(forKey: id) else { continue }
                if self.heldCount[id] != nil {
                    // A sender that quits right after sending still gets its
                    // acknowledgements: the close waits for them (see ``release(_:)``).
                    // Kept apart: the hub state may give the slot to a new session.
                    // What this turn routed to it is written now, while its ranges are valid.
                    var connection = connection
                    let share = connection.pending.take()
                    if !share.isEmpty { self.enqueue(.write(connection.handle, share), on: connection.handle.loop) }
                    self.lingering[id] = Lingering(connection: connection, nick: nick, reason: reason)
                    continue
                }
                self.close(connection, id, nick: nick, reason: reason)
            case .record(let record, let holdForRecipient):
                self.history?.append(record, holdForRecipient: holdForRecipient)
            case .sendWhenStored(let message, let recipients, let id):
                self.hold([message], for: recipients, until: [id])
            case .sendAllWhenStored(let messages, let recipients, let ids):
                self.hold(messages, for: recipients, until: ids)
            case .queryHistory(let request):
                self.readHistory(request)
            case .serverNotice(let text):
                self.logger.notice("operator notice: \(text)")
            case .audit(let event):
                self.auditLog?.append(event)
            case .fileReport(let request):
                self.fileReport(request)
            case .resolveReport(let request):
                self.resolveReport(request)
            case .storeReadMarker(let request):
                self.storeReadMarker(request)
            case .registered(let id, _, let account):
                guard let connection = self.connections[id] else { continue }
                self.enqueue(.registered(connection.handle), on: connection.handle.loop)
                var metadata = self.metadata(connection, id)
                metadata["account"] = "\(account)"
                self.logger.info("registered", metadata: metadata)
            }
        }
    }

    /// Holds `messages` for `recipients` until every record of `ids` is stored; they are
    /// kept under the last of them, which the log stores last.
    private func hold(_ messages: [IRCMessage], for recipients: [SessionID], until ids: [MessageID]) {
        guard self.history != nil, let last = ids.last else {
            // Nothing is stored: nothing to wait for.
            for message in messages { self.apply([.send(message, to: recipients)]) }
            return
        }
        self.held[last] = HeldSend(messages: messages, recipients: recipients)
        for id in ids.dropLast() { self.coveredBy[id] = last }
        for recipient in recipients {
            let count = self.heldCount[recipient, default: 0] + 1
            self.heldCount[recipient] = count
            if count > Self.holdReadingAbove, let connection = self.connections[recipient],
                self.readingHeld.insert(recipient).inserted
            {
                self.enqueue(.holdReading(connection.handle, true), on: connection.handle.loop)
            }
        }
    }

    private func enqueue(_ operation: IOOperation, on loop: IOLoop) {
        let index = loop.index
        if index >= self.outbound.count {
            self.outbound.append(contentsOf: repeatElement(nil, count: index - self.outbound.count + 1))
        }
        if self.outbound[index] == nil {
            self.outbound[index] = (loop, [operation])
        } else {
            self.outbound[index]?.operations.append(operation)
        }
    }

    /// Takes what was held for record `id`; nil when nothing was, or when what waits for
    /// `id` is held under a later record (a failure of `id` is noted there).
    func takeHeld(_ id: MessageID, failed: Bool) -> HeldSend? {
        if let last = self.coveredBy.removeValue(forKey: id) {
            if failed { self.held[last]?.failed = true }
            return nil
        }
        return self.held.removeValue(forKey: id)
    }

    /// `held` went out (or its failure did): a recipient that asked to close while it
    /// waited is closed once nothing is held for it any more.
    func release(_ held: HeldSend) {
        for recipient in held.recipients {
            guard let count = self.heldCount[recipient] else { continue }
            if count - 1 <= Self.resumeReadingAt, self.readingHeld.remove(recipient) != nil,
                let connection = self.connections[recipient]
            {
                self.enqueue(.holdReading(connection.handle, false), on: connection.handle.loop)
            }
            if count > 1 {
                self.heldCount[recipient] = count - 1
                continue
            }
            self.heldCount[recipient] = nil
            if let lingering = self.lingering.removeValue(forKey: recipient) {
                self.close(lingering.connection, recipient, nick: lingering.nick, reason: lingering.reason)
            }
        }
    }

    /// Routes a released send: to live sessions as usual, and to sessions that closed
    /// while it was held, ahead of their goodbye. A closed session's share is written
    /// in this turn: a share is only valid in the turn whose buffer it points into.
    func routeReleased(_ message: IRCMessage, to recipients: [SessionID]) {
        var live: [SessionID] = []
        var range: Range<Int>?
        for id in recipients {
            guard let handle = self.lingering[id]?.connection.handle else {
                live.append(id)
                continue
            }
            let bytes = range ?? self.output.append(message)
            range = bytes
            var share = PendingOutput()
            share.add(bytes, turn: self.output.turn)
            self.enqueue(.write(handle, share), on: handle.loop)
        }
        if !live.isEmpty { self.apply([.send(message, to: live)]) }
    }

    /// Says goodbye to a session the hub state has let go of: what was routed to it
    /// before goes first, then `ERROR :<reason>`, then the TLS close.
    private func close(_ connection: Connection, _ id: SessionID, nick: String?, reason: String) {
        var connection = connection
        self.logger.info("closing: \(reason)", metadata: self.metadata(connection, id, nick: nick))
        self.counters.disconnected(reason)
        let share = connection.pending.take()
        if !share.isEmpty { self.enqueue(.write(connection.handle, share), on: connection.handle.loop) }
        self.enqueue(.close(connection.handle, reason: reason), on: connection.handle.loop)
    }

    func scheduleFlush() {
        guard !self.flushScheduled else { return }
        self.flushScheduled = true
        // After every batch that reached the hub in this loop turn.
        self.loop.assumeIsolated().execute { self.flush() }
    }

    /// Ends the hub's turn: each I/O loop gets one batch with every share routed to its
    /// sessions and every close, all reading the turn's one buffer.
    func flush() {
        self.flushScheduled = false
        for id in self.awaitingFlush {
            guard let (handle, share) = self.connections.update(id, { connection in
                connection.awaitsFlush = false
                return (connection.handle, connection.pending.take())
            }), !share.isEmpty else { continue }
            self.enqueue(.write(handle, share), on: handle.loop)
        }
        self.awaitingFlush.removeAll(keepingCapacity: true)
        guard self.outbound.contains(where: { $0 != nil }) else { return }
        let buffer = self.output.finishTurn(allocator: self.allocator)
        for index in self.outbound.indices {
            guard let (loop, operations) = self.outbound[index] else { continue }
            self.outbound[index] = nil
            loop.run(IOBatch(buffer: buffer, operations: operations))
        }
    }

    // MARK: helpers

    /// What every log line about a session carries; `nick` for a session the hub state
    /// has already let go of.
    func metadata(_ connection: Connection, _ id: SessionID, nick: String? = nil) -> Logger.Metadata {
        var metadata: Logger.Metadata = [
            "address": "\(connection.address)",
            "fingerprint": "\(connection.certificate.fingerprint)",
            "session": "\(id)",
        ]
        if let name = connection.certificate.commonName { metadata["cn"] = "\(name)" }
        if let nick = self.state.nick(of: id) ?? nick { metadata["nick"] = "\(nick)" }
        return metadata
    }

    /// Every admitted session's handle, by I/O loop.
    func handlesByLoop() -> [(loop: IOLoop, handles: [SessionHandle])] {
        var byLoop: [(loop: IOLoop, handles: [SessionHandle])?] = []
        self.connections.forEach { connection in
            let loop = connection.handle.loop
            if loop.index >= byLoop.count {
                byLoop.append(contentsOf: repeatElement(nil, count: loop.index - byLoop.count + 1))
            }
            if byLoop[loop.index] == nil { byLoop[loop.index] = (loop, []) }
            byLoop[loop.index]?.handles.append(connection.handle)
        }
        return byLoop.compactMap { $0 }
    }

    /// Runs `body` for every admitted session, in no particular order.
    func forEachConnection(_ body: (Connection, SessionID) -> Void) {
        self.connections.forEach { connection in
            guard let id = connection.handle.id else { return }
            body(connection, id)
        }
    }

    /// Replaces the allowlist new certificates are checked against.
    func replaceAllowlist(with allowlist: Allowlist) {
        self.allowlist = allowlist
    }

    /// Marks the hub as shutting down: disconnections no longer tell the room.
    func beginShutdown() {
        self.isShuttingDown = true
    }
}
