import IRC
import Logging
import NIOCore
import TLS

/// One client connection, after TLS: line framing, admission, timers, flood control and
/// the send side. Everything it decides about IRC goes through the ``Hub``.
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
    /// Set once the allowlist admitted the certificate.
    var id: SessionID?
    private(set) var certificate: CertificateInfo?
    var boundNicks: [String] = []
    /// The current nick, once the client chose one.
    var nick: String? { self.id.flatMap { self.hub.state.nick(of: $0) } }
    /// The nick before the latest command, for log lines written after the hub let go of it.
    var lastNick: String?
    private(set) var isRegistered = false
    /// Whether the hub queued writes for this session since its last flush.
    var awaitsFlush = false
    /// What the hub routed to this session since its last flush.
    private var pending = PendingOutput()
    private var isClosing = false
    private var closeReason: String?

    private var linesBeforeRegistration = 0
    private var sawFirstLine = false
    private var admittedAt: NIODeadline = .now()
    private var lastActivity: NIODeadline = .now()
    private var pingSentAt: NIODeadline?
    private var timer: Scheduled<Void>?
    private var flood: FloodControl
    /// Lines waiting for flood-control tokens. Rarely used, so empty costs nothing: an
    /// empty array allocates no storage, unlike a ring buffer.
    private var delayed: [IRCLineEvent] = []
    /// Holds a line whose end has not arrived yet; nil otherwise, so that an idle session
    /// keeps no buffer.
    private var lineProcessor: NIOSingleStepByteToMessageProcessor<IRCLineDecoder>?
    private var drainTimer: Scheduled<Void>?

    private var limits: ServerConfiguration.Limits { self.hub.configuration.limits }

    init(hub: Hub, address: String) {
        self.hub = hub
        self.address = address
        let limits = hub.configuration.limits
        self.flood = FloodControl(
            burst: limits.floodBurst,
            rate: limits.floodRate,
            disconnectAfter: Self.amount(limits.floodDisconnectAfter),
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
            self.admittedAt = .now()
            self.lastActivity = self.admittedAt
            self.hub.admit(self, identity: identity)
            if self.id != nil { self.scheduleTimer() }
        } else {
            context.fireUserInboundEventTriggered(event)
        }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard self.id != nil, !self.isClosing else { return }
        // The lines of one read arrived together: one clock reading serves them all.
        let now = NIODeadline.now()
        // Any bytes the client sends, even part of a line or an empty one, show that it is
        // there: the ping timer measures silence, not chat.
        self.lastActivity = now
        self.pingSentAt = nil
        let processor = self.lineProcessor ?? NIOSingleStepByteToMessageProcessor(IRCLineDecoder())
        do {
            try processor.process(buffer: Self.unwrapInboundIn(data)) { self.received($0, now: now) }
        } catch let error as IRCFramingError {
            self.close(reason: "Closing link: \(error.reason)")
            return
        } catch {
            self.close(reason: "Closing link: \(error)")
            return
        }
        self.lineProcessor = processor.unprocessedBytes == 0 ? nil : processor
    }

    /// One line (or an over-long line's notice) from the client.
    private func received(_ event: IRCLineEvent, now: NIODeadline) {
        guard !self.isClosing else { return }
        if !self.isRegistered {
            self.linesBeforeRegistration += 1
            if self.linesBeforeRegistration > self.limits.maxLinesBeforeRegistration {
                self.close(reason: "Closing link: more than \(self.limits.maxLinesBeforeRegistration) lines before registration")
                return
            }
        }
        self.admit(event, now: now)
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
                self.close(reason: "SendQ exceeded")
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
            self.close(reason: "Closing link: \(error)")
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        self.cancelTimers()
        self.hub.disconnected(self, reason: self.closeReason ?? "Connection closed")
        context.fireChannelInactive()
    }

    // MARK: lines

    /// Applies flood control to every line received, then handles it (now or later).
    ///
    /// Lines that only earn an error reply (too long, not UTF-8, malformed) are charged
    /// like commands: otherwise a client could make the server answer a flood of them at
    /// full speed.
    private func admit(_ event: IRCLineEvent, now: NIODeadline) {
        switch self.flood.admit(now: now, alreadyDelayed: self.delayed.count) {
        case .allow:
            self.handle(event)
        case .delay(let until):
            self.delayed.append(event)
            self.setReading(false)
            self.scheduleDrain(at: until)
        case .disconnect:
            self.close(reason: "Excess Flood")
        }
    }

    private func handle(_ event: IRCLineEvent) {
        switch event {
        case .tooLong:
            self.reply(IRCNumeric.ERR_INPUTTOOLONG, ["Input line was too long"])
        case .line(let line):
            self.received(line)
        }
    }

    private func received(_ line: ByteBuffer) {
        if !self.sawFirstLine {
            self.sawFirstLine = true
            if Self.looksLikeHTTP(line) {
                self.close(reason: "Closing link: this is an IRC server over TLS, not a web server")
                return
            }
        }
        guard IRCMessage.isValidUTF8(line) else {
            self.notice("Your line was refused, not relayed: it is not valid UTF-8")
            return
        }
        let message: IRCMessage
        do {
            message = try IRCMessage(parsing: line)
        } catch {
            self.notice("Malformed line ignored: \(error.reason)")
            return
        }
        self.hub.receive(message, from: self)
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
            self.handle(event)
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

    /// Sends `ERROR :<reason>` and closes the connection (TLS close_notify first).
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

    func didRegister() {
        self.isRegistered = true
        self.scheduleTimer()
    }

    private func reply(_ numeric: IRCNumeric, _ params: [String]) {
        self.send(IRCMessage(source: self.hub.serverSource, numeric: numeric, params: [self.nick ?? "*"] + params))
    }

    private func notice(_ text: String) {
        self.send(IRCMessage(source: self.hub.serverSource, command: "NOTICE", params: [self.nick ?? "*", text]))
    }

    private func send(_ message: IRCMessage) {
        self.hub.send(message, to: self)
    }

    // MARK: timers

    /// One timer per session, set to the nearest of: the registration deadline, the next
    /// PING after silence, the deadline for its PONG.
    private func scheduleTimer() {
        self.timer?.cancel()
        guard let context = self.context, !self.isClosing else { return }
        let deadline: NIODeadline
        if !self.isRegistered {
            deadline = self.admittedAt + Self.amount(self.limits.registrationTimeout)
        } else if let pingSentAt = self.pingSentAt {
            deadline = pingSentAt + Self.amount(self.limits.pingTimeout)
        } else {
            deadline = self.lastActivity + Self.amount(self.limits.pingInterval)
        }
        self.timer = context.eventLoop.assumeIsolated().scheduleTask(deadline: deadline) {
            self.timerFired()
        }
    }

    private func timerFired() {
        let now = NIODeadline.now()
        if !self.isRegistered {
            if now >= self.admittedAt + Self.amount(self.limits.registrationTimeout) {
                let seconds = self.limits.registrationTimeout.components.seconds
                self.close(reason: "Closing link: registration timed out after \(seconds) seconds")
                return
            }
        } else if let pingSentAt = self.pingSentAt {
            if now >= pingSentAt + Self.amount(self.limits.pingTimeout) {
                self.close(reason: "Ping timeout: \(self.limits.pingTimeout.components.seconds) seconds")
                return
            }
        } else if now >= self.lastActivity + Self.amount(self.limits.pingInterval) {
            self.pingSentAt = now
            self.send(IRCMessage(source: self.hub.serverSource, command: "PING", params: [self.hub.configuration.serverName]))
            self.hub.flushPending()
        }
        self.scheduleTimer()
    }

    private func cancelTimers() {
        self.timer?.cancel()
        self.timer = nil
        self.drainTimer?.cancel()
        self.drainTimer = nil
    }

    static func amount(_ duration: Duration) -> TimeAmount {
        let (seconds, attoseconds) = duration.components
        return .nanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
    }

    /// True for an HTTP request line (`GET / HTTP/1.1`), which a browser or a proxy sends.
    static func looksLikeHTTP(_ line: ByteBuffer) -> Bool {
        let view = line.readableBytesView
        guard view.count >= 10, view.last != nil else { return false }
        let text = String(decoding: view.prefix(16), as: UTF8.self)
        let methods = ["GET ", "POST ", "HEAD ", "PUT ", "DELETE ", "OPTIONS ", "CONNECT ", "PATCH ", "TRACE "]
        guard methods.contains(where: { text.hasPrefix($0) }) else { return false }
        return String(decoding: view.suffix(9), as: UTF8.self).hasPrefix(" HTTP/")
    }
}
