import IRC
import Logging
import NIOCore
import TLS

/// One client connection, after TLS: the transport only. It cuts lines and hands them to
/// the ``Hub``, paces them (flood control), keeps the session's timers, flushes what the
/// hub routed to it and closes when told. Every IRC fact about the session (nick,
/// registration, bindings) and every reply belongs to ``HubState``.
///
/// It cuts lines itself rather than behind a `ByteToMessageHandler`: each line would
/// otherwise cross the pipeline boxed in an `NIOAny` and be cast back, which perf showed
/// as a tenth of the server's time per private message.
///
/// Runs on the hub's event loop, like every connection.
final class SessionHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private let hub: Hub
    /// The peer's IP address.
    let address: String
    private var context: ChannelHandlerContext?
    /// The hub's name for the session, once TLS completed; the only thing the hub sets.
    var id: SessionID?
    /// The verified peer certificate, once TLS completed.
    private(set) var certificate: CertificateInfo?
    /// Whether the hub queued writes for this session since its last flush.
    var awaitsFlush = false
    /// What the hub routed to this session since its last flush.
    private var pending = PendingOutput()
    private var isClosing = false
    /// Why the connection ended, when the transport saw it first (TLS); for the QUIT.
    private var closeReason: String?

    /// Set once TLS completed: the registration deadline counts from then.
    private var timers: SessionTimers?
    private var timer: Scheduled<Void>?
    private var flood: FloodControl
    /// Lines waiting for flood-control tokens. Rarely used, so empty costs nothing: an
    /// empty array allocates no storage, unlike a ring buffer.
    private var delayed: [IRCLineEvent] = []
    /// Holds a line whose end has not arrived yet; nil otherwise, so that an idle session
    /// keeps no buffer.
    private var lineProcessor: NIOSingleStepByteToMessageProcessor<IRCLineDecoder>?
    private var drainTimer: Scheduled<Void>?

    init(hub: Hub, address: String) {
        self.hub = hub
        self.address = address
        let limits = hub.configuration.limits
        self.flood = FloodControl(
            burst: limits.floodBurst,
            rate: limits.floodRate,
            disconnectAfter: TimeAmount(limits.floodDisconnectAfter),
            now: .now()
        )
    }

    // MARK: channel events

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.cancelTimers()
        self.context = nil
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if case .handshakeCompleted(let identity)? = event as? TLSEvent {
            self.certificate = identity.certificate
            let limits = self.hub.configuration.limits
            self.timers = SessionTimers(
                registrationTimeout: limits.registrationTimeout,
                pingInterval: limits.pingInterval,
                pingTimeout: limits.pingTimeout,
                now: .now()
            )
            self.hub.admit(self, identity: identity)
            self.scheduleTimer()
        } else {
            context.fireUserInboundEventTriggered(event)
        }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard self.id != nil, !self.isClosing else { return }
        // The lines of one read arrived together: one clock reading serves them all.
        let now = NIODeadline.now()
        self.timers?.activity(now: now)
        let processor = self.lineProcessor ?? NIOSingleStepByteToMessageProcessor(IRCLineDecoder())
        do {
            try processor.process(buffer: Self.unwrapInboundIn(data)) { self.admit($0, now: now) }
        } catch let error as IRCFramingError {
            self.hub.close(self, reason: "Closing link: \(error.reason)")
            return
        } catch {
            self.hub.close(self, reason: "Closing link: \(error)")
            return
        }
        self.lineProcessor = processor.unprocessedBytes == 0 ? nil : processor
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        // Not flushed here: the hub flushes once at the end of the loop turn, after every
        // ready connection has been read, so a recipient gets all of that turn's messages
        // in as few TLS records and socket writes as their size allows.
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        // A large flush crosses the high-water mark for a moment even when the socket takes
        // it all at once; only data still queued once the flush is done counts against the
        // send queue: then the client is not reading.
        guard !context.channel.isWritable, self.id != nil else { return }
        context.eventLoop.assumeIsolated().execute {
            if let channel = self.context?.channel, !channel.isWritable {
                self.hub.close(self, reason: "SendQ exceeded")
            }
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        switch error {
        case let error as TLSError:
            // The TLS handler closes the connection itself; record why.
            self.closeReason = self.closeReason ?? "TLS: \(error.reason)"
            self.hub.logTLSFailure(error, session: self)
        default:
            self.hub.close(self, reason: "Closing link: \(error)")
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        self.cancelTimers()
        self.hub.disconnected(self, reason: self.closeReason ?? "Connection closed")
        context.fireChannelInactive()
    }

    // MARK: lines

    /// Applies flood control to every line received, then hands it to the hub (now or
    /// later).
    ///
    /// Lines that only earn an error reply (too long, not UTF-8, malformed) are charged
    /// like commands: otherwise a client could make the server answer a flood of them at
    /// full speed.
    private func admit(_ event: IRCLineEvent, now: NIODeadline) {
        guard !self.isClosing else { return }
        switch self.flood.admit(now: now, alreadyDelayed: self.delayed.count) {
        case .allow:
            self.hub.receive(event, from: self)
        case .delay(let until):
            self.delayed.append(event)
            self.setReading(false)
            self.scheduleDrain(at: until)
        case .disconnect:
            self.hub.close(self, reason: "Excess Flood")
        }
    }

    private func scheduleDrain(at deadline: NIODeadline) {
        guard self.drainTimer == nil, let context = self.context else { return }
        self.drainTimer = context.eventLoop.assumeIsolated().scheduleTask(deadline: deadline) {
            self.drainTimer = nil
            self.drainDelayed()
        }
    }

    private func drainDelayed() {
        while !self.isClosing, let event = self.delayed.first {
            guard self.flood.takeDelayed(now: .now()) else {
                self.scheduleDrain(at: self.flood.nextToken(now: .now()))
                return
            }
            self.delayed.removeFirst()
            self.hub.receive(event, from: self)
        }
        self.hub.flushPending()
        if self.delayed.isEmpty {
            self.flood.caughtUp(now: .now())
            self.setReading(true)
        }
    }

    private func setReading(_ on: Bool) {
        guard let context = self.context else { return }
        _ = try? context.channel.syncOptions?.setOption(.autoRead, value: on)
    }

    // MARK: sending

    /// Takes a range of the hub's ``TurnOutput`` for the client; false when the session
    /// sends nothing more. The hub flushes once per event-loop turn.
    func queue(_ range: Range<Int>, turn: UInt64) -> Bool {
        guard self.context != nil, !self.isClosing else { return false }
        self.pending.add(range, turn: turn)
        return true
    }

    /// Everything routed to the client this turn goes down the pipeline as slices of the
    /// turn's buffer and leaves as one socket write: a single run of messages is encrypted
    /// straight from the shared bytes; several runs are gathered by the TLS handler.
    func flush() {
        self.awaitsFlush = false
        let share = self.pending.take()
        guard let context = self.context, !share.isEmpty else { return }
        self.hub.output.forEachSlice(of: share) { slice in
            context.write(Self.wrapOutboundOut(slice), promise: nil)
        }
        context.flush()
    }

    /// Sends what was routed so far, then `ERROR :<reason>`, and closes the connection
    /// (TLS close_notify first). The hub calls this once it has let go of the session.
    func close(reason: String) {
        guard !self.isClosing, let context = self.context else { return }
        self.flush()  // what was routed before the goodbye goes first
        self.isClosing = true
        self.closeReason = reason
        self.cancelTimers()
        // Flood control may have paused reading; TLS must read the peer's close_notify.
        self.setReading(true)
        var buffer = context.channel.allocator.buffer(capacity: reason.utf8.count + 9)
        IRCMessage(command: "ERROR", params: [reason]).write(into: &buffer)
        context.writeAndFlush(Self.wrapOutboundOut(buffer), promise: nil)
        context.close(promise: nil)
    }

    /// The connection's TLS handler (to re-verify the peer after a reload).
    var tlsHandler: TLSHandler? {
        try? self.context?.pipeline.syncOperations.handler(type: TLSHandler.self)
    }

    /// The future that completes when the connection is closed.
    var closeFuture: EventLoopFuture<Void>? { self.context?.channel.closeFuture }

    /// The hub registered the session: its registration deadline no longer applies.
    func didRegister() {
        self.timers?.registered()
        self.scheduleTimer()
    }

    // MARK: timers

    /// One timer per session, set to the nearest of its deadlines (``SessionTimers``).
    private func scheduleTimer() {
        self.timer?.cancel()
        guard let context = self.context, let deadline = self.timers?.nextDeadline, !self.isClosing else { return }
        self.timer = context.eventLoop.assumeIsolated().scheduleTask(deadline: deadline) {
            self.timerFired()
        }
    }

    private func timerFired() {
        switch self.timers?.tick(now: .now()) {
        case nil, .nothingDue?:
            break
        case .sendPing?:
            self.hub.ping(self)
        case .close(let reason)?:
            self.hub.close(self, reason: reason)
            return
        }
        self.scheduleTimer()
    }

    private func cancelTimers() {
        self.timer?.cancel()
        self.timer = nil
        self.drainTimer?.cancel()
        self.drainTimer = nil
    }
}
