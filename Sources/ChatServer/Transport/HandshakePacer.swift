import NIOCore

/// Sits in front of the TLS handler while a connection is in its handshake and lets each
/// read through only with a token of its I/O loop's ``HandshakeBudget``; a read that finds
/// none is held, with reading paused, until a later turn. Once the handshake completed
/// (``stopPacing()``) it passes everything through and leaves the pipeline, so established
/// sessions never pay for it.
final class HandshakePacer: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    private let budget: HandshakeBudget
    /// Bytes read while waiting for a token, in order.
    private var held: [ByteBuffer] = []
    private var isWaiting = false
    private var isPacing = true
    private var context: ChannelHandlerContext?

    init(budget: HandshakeBudget) {
        self.budget = budget
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        // Whatever was held goes on to TLS, in order, before the pacer leaves.
        self.release(context: context)
        self.context = nil
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let buffer = Self.unwrapInboundIn(data)
        if self.isWaiting {
            self.held.append(buffer)
            return
        }
        if !self.isPacing || self.budget.take(orWait: { [weak self] in self?.resume() }) {
            context.fireChannelRead(data)
        } else {
            self.isWaiting = true
            self.held.append(buffer)
            self.setReading(false, context: context)
        }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        guard !self.isWaiting else { return }
        context.fireChannelReadComplete()
    }

    /// The handshake completed: nothing is held back any more, and the pacer leaves the
    /// pipeline in a later task (not while its own read may be on the stack).
    func stopPacing() {
        self.isPacing = false
        guard let context = self.context else { return }
        context.eventLoop.assumeIsolated().execute {
            guard let context = self.context else { return }
            context.pipeline.syncOperations.removeHandler(context: context, promise: nil)
        }
    }

    /// A token was set aside for this connection: the held bytes go on, and reading resumes.
    private func resume() {
        guard let context = self.context else { return }
        self.isWaiting = false
        self.release(context: context)
        self.setReading(true, context: context)
    }

    private func release(context: ChannelHandlerContext) {
        guard !self.held.isEmpty else { return }
        let held = self.held
        self.held.removeAll()
        for buffer in held { context.fireChannelRead(Self.wrapInboundOut(buffer)) }
        context.fireChannelReadComplete()
    }

    private func setReading(_ on: Bool, context: ChannelHandlerContext) {
        _ = try? context.channel.syncOptions?.setOption(.autoRead, value: on)
    }
}
