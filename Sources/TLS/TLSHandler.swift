import NIOCore

/// Runs TLS over a channel: ciphertext below, plaintext `ByteBuffer`s above.
///
/// The handler drives a ``TLSConnection`` (an OpenSSL `SSL` over memory BIOs) from NIO's
/// callbacks and keeps one ``State`` that every callback switches on exhaustively.
///
/// - The handshake starts when the channel is active; it must finish within the context's
///   handshake timeout. Success is announced with ``TLSEvent/handshakeCompleted(_:)``;
///   failure with `errorCaught(TLSError)` followed by closing the channel.
/// - Writes wait until the handshake is done. A flush encrypts everything written since the
///   previous flush in one go and hands the socket one buffer, so many small writes cost
///   one socket write and as few TLS records as their size allows.
/// - `close(mode: .all)` sends close_notify and waits (bounded by the shutdown timeout) for
///   the peer's; `close(mode: .output)` sends close_notify and half-closes TCP, while
///   reading goes on. Either sends what was flushed first and fails writes not flushed.
/// - A peer's close_notify closes the channel, or, when the channel allows remote half
///   closure, is passed up as `ChannelEvent.inputClosed`. End of input without
///   close_notify is reported as ``TLSError/Code/uncleanShutdown``.
public final class TLSHandler: ChannelDuplexHandler, RemovableChannelHandler {
    public typealias InboundIn = ByteBuffer
    public typealias InboundOut = ByteBuffer
    public typealias OutboundIn = ByteBuffer
    public typealias OutboundOut = ByteBuffer

    enum State {
        /// Added, channel not active yet.
        case idle
        case handshaking
        /// Application data flows both ways.
        case active
        /// The peer sent close_notify; we may still write.
        case inputClosed
        /// We sent close_notify and half-closed; we may still read.
        case outputClosed
        /// We sent close_notify and wait for the peer's before closing the channel.
        case closing(EventLoopPromise<Void>?)
        case closed
    }

    var state: State = .idle
    let connection: TLSConnection
    /// Runs handshake steps off the event loop, when given (``TLSHandshakeExecutor``).
    let handshakeExecutor: (any TLSHandshakeExecutor)?
    /// The connection lent to a handshake step that has not come back yet: until it does,
    /// nothing here touches ``connection``.
    var handshakeJob: TLSConnectionLoan?
    /// Ciphertext that arrived while a handshake step was out, fed once it is back.
    var heldCiphertext: ByteBuffer?
    private var pendingWrites = MarkedCircularBuffer<PendingWrite>(initialCapacity: 4)
    private var handshakeTimer: Scheduled<Void>?
    private var shutdownTimer: Scheduled<Void>?
    /// Whether the peer's first bytes have been checked for looking like TLS.
    private var sawFirstBytes = false
    /// The peer's identity, once the handshake has completed.
    public private(set) var peerIdentity: PeerIdentity?

    private struct PendingWrite {
        var data: ByteBuffer
        var promise: EventLoopPromise<Void>?
    }

    /// - Parameters:
    ///   - context: the server or client context.
    ///   - serverName: client only: the name or address the server must match (when
    ///     verifying by CA); a host name is also sent as SNI.
    ///   - handshakeExecutor: runs each handshake step (`SSL_do_handshake`, certificate
    ///     verification included) off the event loop; nil runs them inline on the loop.
    /// - Throws: ``TLSError`` when OpenSSL cannot create the connection (out of memory) or
    ///   `serverName` is unusable.
    public init(
        context: TLSContext,
        serverName: String? = nil,
        handshakeExecutor: (any TLSHandshakeExecutor)? = nil
    ) throws(TLSError) {
        self.connection = try TLSConnection(context: context, serverName: serverName)
        self.handshakeExecutor = handshakeExecutor
    }

    // MARK: lifecycle

    public func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive {
            self.startHandshake(context: context)
        }
    }

    public func handlerRemoved(context: ChannelHandlerContext) {
        self.cancelTimers()
        self.handshakeJob?.abandon()
        let error = TLSError(.closed, "the TLS handler was removed")
        if case .closing(let promise) = self.state {
            promise?.fail(error)
        }
        self.state = .closed
        self.failPendingWrites(with: error)
    }

    public func channelActive(context: ChannelHandlerContext) {
        self.startHandshake(context: context)
        context.fireChannelActive()
    }

    public func channelInactive(context: ChannelHandlerContext) {
        let previous = self.state
        self.state = .closed
        self.handshakeJob?.abandon()
        self.cancelTimers()
        self.failPendingWrites(with: TLSError(.closed, "the connection is closed"))
        switch previous {
        case .idle, .closed, .inputClosed:
            break
        case .handshaking:
            context.fireErrorCaught(TLSError(.handshakeFailed, "the peer closed the connection during the TLS handshake"))
        case .active, .outputClosed:
            context.fireErrorCaught(TLSError(.uncleanShutdown, "the peer closed the connection without a TLS close_notify"))
        case .closing(let promise):
            promise?.succeed()
        }
        context.fireChannelInactive()
    }

    private func startHandshake(context: ChannelHandlerContext) {
        guard case .idle = self.state else { return }
        self.state = .handshaking
        let timeout = self.connection.context.handshakeTimeout
        self.handshakeTimer = context.eventLoop.assumeIsolated().scheduleTask(in: timeout) {
            guard case .handshaking = self.state else { return }
            self.fail(TLSError(.handshakeTimeout, "the TLS handshake did not finish within \(timeout)"), context: context)
        }
        if self.connection.context.role == .client {
            self.advanceHandshake(context: context)
        }
    }

    // MARK: inbound

    public func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let buffer = Self.unwrapInboundIn(data)
        if !self.sawFirstBytes, buffer.readableBytes > 0 {
            self.sawFirstBytes = true
            if let error = Self.rejectNonTLS(buffer) {
                self.refuseNonTLS(error, context: context)
                return
            }
        }
        switch self.state {
        case .idle, .closed, .inputClosed:
            return
        case .handshaking:
            if self.handshakeJob != nil {
                self.holdCiphertext(buffer, context: context)
                return
            }
            self.connection.feed(buffer)
            self.advanceHandshake(context: context)
        case .active, .outputClosed, .closing:
            self.connection.feed(buffer)
            self.readApplicationData(context: context)
        }
    }

    public func channelReadComplete(context: ChannelHandlerContext) {
        context.fireChannelReadComplete()
    }

    public func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        guard let channelEvent = event as? ChannelEvent, channelEvent == .inputClosed else {
            context.fireUserInboundEventTriggered(event)
            return
        }
        // TCP end of input.
        switch self.state {
        case .idle, .closed:
            context.fireUserInboundEventTriggered(event)
        case .inputClosed:
            break  // already announced when close_notify arrived
        case .handshaking:
            self.fail(TLSError(.handshakeFailed, "the peer closed the connection during the TLS handshake"), context: context)
        case .active, .outputClosed:
            self.fail(TLSError(.uncleanShutdown, "the peer closed the connection without a TLS close_notify"), context: context)
        case .closing:
            context.close(promise: nil)
        }
    }

    /// Runs the next handshake step: inline, or as a job on the handshake executor.
    func advanceHandshake(context: ChannelHandlerContext) {
        if let executor = self.handshakeExecutor {
            self.submitHandshakeStep(to: executor, context: context)
        } else {
            self.finishHandshakeStep(self.connection.handshakeStep(), context: context)
        }
    }

    /// Sends what a handshake step produced and acts on its outcome; in `.handshaking`.
    func finishHandshakeStep(_ step: TLSHandshakeStep, context: ChannelHandlerContext) {
        if let output = step.output {
            context.writeAndFlush(Self.wrapOutboundOut(output), promise: nil)
        }
        switch step.outcome {
        case .incomplete:
            break
        case .complete:
            self.handshakeTimer?.cancel()
            self.handshakeTimer = nil
            guard let identity = step.identity else {
                self.fail(TLSError(.handshakeFailed, "the peer's certificate is unreadable"), context: context)
                return
            }
            self.peerIdentity = identity
            self.state = .active
            context.fireUserInboundEventTriggered(TLSEvent.handshakeCompleted(identity))
            // The event's receivers may have closed the channel.
            guard case .active = self.state else { return }
            self.writeFlushedData(context: context)
            // Application data may have arrived in the same read as the handshake's end.
            self.readApplicationData(context: context)
        case .closed:
            self.fail(TLSError(.handshakeFailed, "the peer closed the connection during the TLS handshake"), context: context)
        case .failed(let error):
            self.fail(error, context: context)
        }
    }

    func readApplicationData(context: ChannelHandlerContext) {
        var plaintext = context.channel.allocator.buffer(capacity: 0)
        let outcome = self.connection.read(into: &plaintext)
        if plaintext.readableBytes > 0 {
            context.fireChannelRead(Self.wrapInboundOut(plaintext))
        }
        switch outcome {
        case .complete, .incomplete:
            // Reading can produce output, e.g. the answer to a key update.
            self.sendOutput(context: context)
        case .closed:
            self.peerSentCloseNotify(context: context)
        case .failed(let error):
            self.fail(error, context: context)
        }
    }

    private func peerSentCloseNotify(context: ChannelHandlerContext) {
        switch self.state {
        case .active:
            let halfClosureAllowed = (try? context.channel.syncOptions?.getOption(ChannelOptions.allowRemoteHalfClosure)) ?? false
            if halfClosureAllowed {
                self.state = .inputClosed
                context.fireUserInboundEventTriggered(ChannelEvent.inputClosed)
            } else {
                self.beginShutdown(promise: nil, context: context)
            }
        case .outputClosed, .closing:
            // Both sides have now sent close_notify.
            context.close(promise: nil)
        case .idle, .handshaking, .inputClosed, .closed:
            break
        }
    }

    // MARK: outbound

    public func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        switch self.state {
        case .idle, .handshaking, .active, .inputClosed:
            self.pendingWrites.append(PendingWrite(data: Self.unwrapOutboundIn(data), promise: promise))
        case .outputClosed, .closing, .closed:
            promise?.fail(TLSError(.closed, "cannot write: the TLS connection is shutting down"))
        }
    }

    public func flush(context: ChannelHandlerContext) {
        self.pendingWrites.mark()
        switch self.state {
        case .active, .inputClosed:
            self.writeFlushedData(context: context)
        case .idle, .handshaking, .outputClosed, .closing, .closed:
            break
        }
    }

    public func close(context: ChannelHandlerContext, mode: CloseMode, promise: EventLoopPromise<Void>?) {
        switch (mode, self.state) {
        case (.input, _):
            context.close(mode: .input, promise: promise)
        case (.all, .idle), (.all, .handshaking):
            self.state = .closed
            self.handshakeJob?.abandon()
            self.cancelTimers()
            context.close(promise: promise)
        case (.all, .active), (.all, .outputClosed):
            self.beginShutdown(promise: promise, context: context)
        case (.all, .inputClosed):
            // The peer is done already: send our close_notify and close.
            _ = self.connection.shutdown()
            self.sendOutput(context: context)
            self.state = .closed
            context.close(promise: promise)
        case (.all, .closing(let existing)):
            if let existing {
                existing.futureResult.cascade(to: promise)
            } else {
                self.state = .closing(promise)
            }
        case (.all, .closed):
            context.close(promise: promise)
        case (.output, .active):
            self.failPendingWrites(with: Self.closedBeforeFlush, onlyUnflushed: true)
            self.writeFlushedData(context: context)
            _ = self.connection.shutdown()
            self.sendOutput(context: context)
            self.state = .outputClosed
            context.close(mode: .output, promise: promise)
        case (.output, .inputClosed):
            self.close(context: context, mode: .all, promise: promise)
        case (.output, _):
            context.close(mode: .output, promise: promise)
        }
    }

    /// Sends close_notify and closes the channel when the peer's arrives, or after the
    /// shutdown timeout.
    private func beginShutdown(promise: EventLoopPromise<Void>?, context: ChannelHandlerContext) {
        self.failPendingWrites(with: Self.closedBeforeFlush, onlyUnflushed: true)
        self.writeFlushedData(context: context)
        if case .closed = self.state {
            // Writing failed and closed the channel already.
            context.close(promise: promise)
            return
        }
        let outcome = self.connection.shutdown()
        self.sendOutput(context: context)
        self.state = .closing(promise)
        if case .complete(true) = outcome {
            context.close(promise: nil)
            return
        }
        if case .failed = outcome {
            context.close(promise: nil)
            return
        }
        let timeout = self.connection.context.shutdownTimeout
        self.shutdownTimer = context.eventLoop.assumeIsolated().scheduleTask(in: timeout) {
            guard case .closing = self.state else { return }
            context.close(promise: nil)
        }
    }

    /// Encrypts every flushed write and sends the ciphertext as one buffer.
    ///
    /// Several writes are first copied into one plaintext buffer, so that OpenSSL makes one
    /// record per 16 KiB rather than one per write.
    private func writeFlushedData(context: ChannelHandlerContext) {
        guard self.pendingWrites.hasMark, let first = self.pendingWrites.popFirst() else { return }
        var promises: [EventLoopPromise<Void>] = []
        if let promise = first.promise { promises.append(promise) }
        var plaintext = first.data
        if self.pendingWrites.hasMark {
            plaintext = context.channel.allocator.buffer(capacity: max(first.data.readableBytes * 2, 256))
            plaintext.writeImmutableBuffer(first.data)
            while self.pendingWrites.hasMark, let write = self.pendingWrites.popFirst() {
                plaintext.writeImmutableBuffer(write.data)
                if let promise = write.promise { promises.append(promise) }
            }
        }
        switch self.connection.write(plaintext) {
        case .complete, .incomplete:
            self.sendOutput(context: context, promises: promises)
        case .closed:
            let error = TLSError(.closed, "the peer closed the TLS connection")
            promises.forEach { $0.fail(error) }
        case .failed(let error):
            promises.forEach { $0.fail(error) }
            self.fail(error, context: context)
        }
    }

    /// Writes and flushes whatever ciphertext OpenSSL produced.
    private func sendOutput(context: ChannelHandlerContext, promises: [EventLoopPromise<Void>] = []) {
        guard let output = self.connection.takeOutput() else {
            promises.forEach { $0.succeed() }
            return
        }
        let promise: EventLoopPromise<Void>?
        switch promises.count {
        case 0: promise = nil
        case 1: promise = promises[0]
        default:
            let combined = context.eventLoop.makePromise(of: Void.self)
            combined.futureResult.whenComplete { result in
                for promise in promises { promise.completeWith(result) }
            }
            promise = combined
        }
        context.writeAndFlush(Self.wrapOutboundOut(output), promise: promise)
    }

    /// The context this connection was made with; a reload does not change it.
    public var tlsContext: TLSContext { self.connection.context }

    /// Checks the peer's certificate against another server context's client CAs and CRL,
    /// e.g. after they were reloaded. Returns why the peer would now be refused, or nil.
    /// Only meaningful on a server after the handshake; call on the channel's event loop.
    public func reverifyPeer(against context: TLSContext) -> TLSError? {
        self.connection.reverifyPeer(against: context)
    }

    // MARK: failure

    /// Reports `error` once and closes the channel, after sending the alert OpenSSL wrote
    /// for it, if any, so the peer learns why (RFC 8446 §5.2: a record that fails to decrypt
    /// ends with bad_record_mac).
    func fail(_ error: TLSError, context: ChannelHandlerContext) {
        let closing: EventLoopPromise<Void>?
        switch self.state {
        case .closed:
            return
        case .closing(let promise):
            closing = promise
        case .idle, .handshaking, .active, .inputClosed, .outputClosed:
            closing = nil
        }
        self.state = .closed
        if let job = self.handshakeJob {
            // A handshake step has the connection: its alert, if any, is not sent.
            job.abandon()
        } else {
            self.sendOutput(context: context)
        }
        self.cancelTimers()
        self.failPendingWrites(with: error)
        context.fireErrorCaught(error)
        // A close that was waiting for the peer's close_notify completes with this one.
        context.close(promise: closing)
    }

    /// Returns an error when a peer's first bytes cannot start a TLS connection: every TLS
    /// peer starts with a handshake record (0x16), or an alert (0x15).
    ///
    /// The error says what kind of thing arrived and how many bytes, never the bytes: a
    /// client that forgot TLS sends its password first, and this error is logged.
    private static func rejectNonTLS(_ buffer: ByteBuffer) -> TLSError? {
        guard let first = buffer.getInteger(at: buffer.readerIndex, as: UInt8.self), first != 0x16, first != 0x15 else {
            return nil
        }
        let kind = PlaintextKind(classifying: buffer.readableBytesView)
        return TLSError(
            .notTLS,
            "the peer does not speak TLS: its first \(buffer.readableBytes) bytes look like \(kind); their contents are not logged"
        )
    }

    private func refuseNonTLS(_ error: TLSError, context: ChannelHandlerContext) {
        if let reply = self.connection.context.nonTLSReply {
            context.writeAndFlush(Self.wrapOutboundOut(context.channel.allocator.buffer(string: reply)), promise: nil)
        }
        self.fail(error, context: context)
    }

    private static let closedBeforeFlush = TLSError(.closed, "the connection was closed before this write was flushed")

    private func failPendingWrites(with error: TLSError, onlyUnflushed: Bool = false) {
        if onlyUnflushed {
            // Keep the flushed prefix; drop what was never flushed.
            var kept = MarkedCircularBuffer<PendingWrite>(initialCapacity: 4)
            while self.pendingWrites.hasMark, let write = self.pendingWrites.popFirst() {
                kept.append(write)
            }
            kept.mark()
            while let write = self.pendingWrites.popFirst() { write.promise?.fail(error) }
            self.pendingWrites = kept
            return
        }
        while let write = self.pendingWrites.popFirst() { write.promise?.fail(error) }
    }

    private func cancelTimers() {
        self.handshakeTimer?.cancel()
        self.handshakeTimer = nil
        self.shutdownTimer?.cancel()
        self.shutdownTimer = nil
    }
}

@available(*, unavailable)
extension TLSHandler: Sendable {}
