import IRC
import Logging
import NIOConcurrencyHelpers
import NIOCore
import TLS

/// One client connection, after TLS: the transport only. It cuts lines and posts them to
/// the ``Hub`` through its ``IOLoop``, paces them (flood control), keeps the session's
/// timers, writes what the hub routed to it and closes when told. Every IRC fact about
/// the session (nick, registration, bindings) and every reply belongs to ``HubState``.
///
/// It cuts lines itself rather than behind a `ByteToMessageHandler`: each line would
/// otherwise cross the pipeline boxed in an `NIOAny` and be cast back, which perf showed
/// as a tenth of the server's time per private message.
///
/// Runs on its connection's I/O loop.
final class SessionHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private let io: IOLoop
    /// How the hub names this connection in the events it receives.
    private var handle: SessionHandle?
    /// The peer's IP address.
    let address: String
    private var context: ChannelHandlerContext?
    /// TLS completed and the hub was told: lines go to it from now on.
    private var isAdmitted = false
    private var isClosing = false
    /// Why the connection ended, when the transport saw it first (TLS); for the QUIT.
    private var closeReason: String?

    /// Set once TLS completed: the registration deadline counts from then.
    private var timers: SessionTimers?
    private var timer: Scheduled<Void>?
    private var flood: FloodControl
    /// Lines waiting for flood-control tokens, each copied out of its read buffer. Rarely
    /// used, so empty costs nothing: an empty array allocates no storage, unlike a ring
    /// buffer.
    private var delayed: [IRCLineEvent] = []
    /// The bytes of the lines in ``delayed``.
    private var delayedBytes = 0
    /// Holds a line whose end has not arrived yet; nil otherwise, so that an idle session
    /// keeps no buffer.
    private var lineProcessor: NIOSingleStepByteToMessageProcessor<IRCLineDecoder>?
    /// Whether the last line event was `.tooLong`: the processor is then kept even when
    /// empty, for its decoder may be dropping the rest of that line.
    private var keepsLineProcessor = false
    private var drainTimer: Scheduled<Void>?
    /// The hub waits for the disk on this session's messages (``holdByHub(_:)``).
    private var isHeldByHub = false

    /// The connection's place in the server's connection limits.
    private let connectionID: ConnectionLimiter.ConnectionID
    /// When the connection was accepted, for the handshake's duration.
    private let acceptedAt = NIODeadline.now()
    /// Whether this connection's handshake failure was counted (errors can follow it).
    private var failureCounted = false

    init(io: IOLoop, address: String, connectionID: ConnectionLimiter.ConnectionID) {
        self.io = io
        self.address = address
        self.connectionID = connectionID
        let limits = io.limits
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
        self.handle = SessionHandle(loop: self.io, session: self)
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.cancelTimers()
        self.context = nil
    }

    /// Queues `event` for the hub, once TLS completed.
    private func post(_ event: (SessionHandle) -> HubEvent) {
        guard self.isAdmitted, let handle = self.handle else { return }
        self.io.post(event(handle))
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if case .handshakeCompleted(let identity)? = event as? TLSEvent, let handle = self.handle {
            let limits = self.io.limits
            self.timers = SessionTimers(
                registrationTimeout: limits.registrationTimeout,
                pingInterval: limits.pingInterval,
                pingTimeout: limits.pingTimeout,
                now: .now()
            )
            self.isAdmitted = true
            self.io.counters.value.handshakesSucceeded += 1
            self.io.instruments.handshakeCompleted(after: NIODeadline.now() - self.acceptedAt)
            self.io.gate.handshakeCompleted(self.connectionID)
            (try? context.pipeline.syncOperations.handler(type: HandshakePacer.self))?.stopPacing()
            self.io.post(.admit(handle, identity, address: self.address, refusal: self.reloadRefusal()))
            self.scheduleTimer()
        } else {
            context.fireUserInboundEventTriggered(event)
        }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard self.isAdmitted, !self.isClosing else { return }
        // The lines of one read arrived together: one clock reading serves them all.
        let now = NIODeadline.now()
        self.timers?.activity(now: now)
        let buffer = Self.unwrapInboundIn(data)
        self.io.counters.value.receivedBytes += buffer.readableBytes
        let processor = self.lineProcessor ?? NIOSingleStepByteToMessageProcessor(IRCLineDecoder())
        do {
            try processor.process(buffer: buffer) { event in
                // After .tooLong the decoder may be dropping the rest of a line with nothing
                // buffered: that state must outlive this read.
                self.keepsLineProcessor = event == .tooLong
                self.admit(event, now: now)
            }
        } catch let error as IRCFramingError {
            self.post { .close($0, reason: "Closing link: \(error.reason)") }
            return
        } catch {
            self.post { .close($0, reason: "Closing link: \(error)") }
            return
        }
        self.lineProcessor = processor.unprocessedBytes == 0 && !self.keepsLineProcessor ? nil : processor
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
        guard !context.channel.isWritable, self.isAdmitted else { return }
        context.eventLoop.assumeIsolated().execute {
            if let channel = self.context?.channel, !channel.isWritable {
                self.post { .close($0, reason: "SendQ exceeded") }
            }
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        switch error {
        case let error as TLSError:
            // The TLS handler closes the connection itself; record why.
            self.closeReason = self.closeReason ?? "TLS: \(error.reason)"
            if self.isAdmitted {
                self.post { .tlsFailure($0, error) }
            } else {
                if !self.failureCounted {
                    self.failureCounted = true
                    self.io.counters.value.handshakeFailures[TLSFailureKind(error), default: 0] += 1
                }
                self.io.gate.handshakeFailed(self.connectionID, address: self.address, error: error)
            }
        default:
            if self.isAdmitted {
                self.post { .close($0, reason: "Closing link: \(error)") }
            } else {
                context.close(promise: nil)
            }
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        self.cancelTimers()
        let reason = self.closeReason ?? "Connection closed"
        self.post { .disconnected($0, reason: reason) }
        context.fireChannelInactive()
    }

    // MARK: lines

    /// Applies flood control to every line received after registration, then hands it
    /// to the hub (now or later).
    ///
    /// Lines that only earn an error reply (too long, not UTF-8, malformed) are charged
    /// like commands: otherwise a client could make the server answer a flood of them at
    /// full speed. Lines before registration go to the hub as they arrive: it closes the
    /// session after `max_lines_before_registration` of them, which pacing would put off
    /// past the registration timeout.
    private func admit(_ event: IRCLineEvent, now: NIODeadline) {
        guard !self.isClosing else { return }
        guard self.timers?.isRegistered == true else {
            self.post { .line($0, event) }
            return
        }
        let bytes = Self.size(of: event)
        let cost = if case .line(let line) = event { FloodControl.cost(ofLine: line.readableBytesView) } else { 1.0 }
        switch self.flood.admit(
            now: now, alreadyDelayed: self.delayed.count, delayedBytes: self.delayedBytes, bytes: bytes, cost: cost
        ) {
        case .allow:
            self.post { .line($0, event) }
        case .delay(let until):
            self.io.counters.value.floodDelayedLines += 1
            // Reading goes on, so a copy: a slice would keep its whole read buffer alive.
            if case .line(let line) = event {
                self.delayed.append(.line(ByteBuffer(bytes: line.readableBytesView)))
            } else {
                self.delayed.append(event)
            }
            self.delayedBytes += bytes
            self.scheduleDrain(at: until)
        case .disconnect(let reason):
            self.post { .close($0, reason: reason) }
        }
    }

    private static func size(of event: IRCLineEvent) -> Int {
        if case .line(let line) = event { line.readableBytes } else { 0 }
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
            self.delayedBytes -= Self.size(of: event)
            self.post { .line($0, event) }
        }
        if self.delayed.isEmpty { self.flood.caughtUp() }
    }

    private func setReading(_ on: Bool) {
        guard let context = self.context else { return }
        _ = try? context.channel.syncOptions?.setOption(.autoRead, value: on)
    }

    /// The hub holds the session back while too many of its messages wait for the disk
    /// (their echoes are their acknowledgements): it stops reading, so TCP pushes back,
    /// and nobody is dropped.
    func holdByHub(_ held: Bool) {
        self.isHeldByHub = held
        if !self.isClosing { self.setReading(!held) }
    }

    // MARK: sending

    /// Writes the client's share of a hub turn, slices of the turn's one buffer, and
    /// flushes them as one socket write: a single run of messages is encrypted straight
    /// from the shared bytes; several runs are gathered by the TLS handler.
    func write(_ share: PendingOutput, from buffer: ByteBuffer) {
        guard let context = self.context, !self.isClosing else { return }
        TurnOutput.forEachSlice(of: share, in: buffer) { slice in
            context.write(Self.wrapOutboundOut(slice), promise: nil)
        }
        context.flush()
    }

    /// Sends `ERROR :<reason>` and closes the connection (TLS close_notify first). The hub
    /// asks for this once it has let go of the session, after what it routed before.
    func close(reason: String) {
        guard !self.isClosing, let context = self.context else { return }
        self.isClosing = true
        self.closeReason = reason
        self.cancelTimers()
        // The hub may have paused reading; TLS must read the peer's close_notify.
        self.setReading(true)
        var buffer = context.channel.allocator.buffer(capacity: reason.utf8.count + 9)
        IRCMessage(command: "ERROR", params: [reason]).write(into: &buffer)
        context.writeAndFlush(Self.wrapOutboundOut(buffer), promise: nil)
        context.close(promise: nil)
    }

    /// Why the peer must be refused although its handshake succeeded: the handshake began
    /// before a TLS reload, so it was verified against the previous CA bundle and CRL,
    /// which the reload could not check yet. Nil when the current context admits it.
    private func reloadRefusal() -> String? {
        guard let handler = self.tlsHandler else { return nil }
        let current = self.io.tlsContext.withLockedValue { $0 }
        guard handler.tlsContext !== current, let error = handler.reverifyPeer(against: current) else { return nil }
        return error.reason
    }

    /// The connection's TLS handler (to re-verify the peer after a reload).
    var tlsHandler: TLSHandler? {
        try? self.context?.pipeline.syncOperations.handler(type: TLSHandler.self)
    }

    /// Bytes written to the connection and not yet taken by the socket (its send queue).
    var queuedBytes: Int {
        (try? self.context?.channel.syncOptions?.getOption(.bufferedWritableBytes)) ?? 0
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
            self.post { .ping($0) }
        case .close(let reason)?:
            self.post { .close($0, reason: reason) }
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
