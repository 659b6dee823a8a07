import NIOCore

/// Handshake steps on a ``TLSHandshakeExecutor``: the connection is lent to a job, which
/// runs the step on the executor's thread and hands what it produced back to the channel's
/// event loop, where the handler carries on as it would have inline.
///
/// While a step is out the handler does not touch the connection: bytes from the peer are
/// held back (at most ``maximumHeldCiphertext``) and fed once the step is back, and a close
/// or failure (timeout, the peer leaving) closes the channel at once, marks the job as
/// abandoned so that a job not yet started skips its work, and drops the step when it comes
/// back.
extension TLSHandler {
    /// Ciphertext held back while a step is out, beyond which the peer is refused. Ample
    /// for any handshake flight (OpenSSL accepts certificate chains up to 100 KiB).
    static let maximumHeldCiphertext = 256 * 1024

    func submitHandshakeStep(to executor: any TLSHandshakeExecutor, context: ChannelHandlerContext) {
        let job = TLSConnectionLoan(self.connection)
        self.handshakeJob = job
        let owner = NIOLoopBound((handler: self, context: context), eventLoop: context.eventLoop)
        executor.execute {
            let step = job.step()
            owner.eventLoop.execute {
                owner.value.handler.handshakeStepReturned(step, context: owner.value.context)
            }
        }
    }

    /// Takes the connection back from a job; `step` is nil when the job skipped its work.
    private func handshakeStepReturned(_ step: TLSHandshakeStep?, context: ChannelHandlerContext) {
        self.handshakeJob = nil
        let held = self.heldCiphertext.take()
        guard case .handshaking = self.state, let step else { return }  // closed meanwhile
        if let held {
            self.connection.feed(held)
        }
        self.finishHandshakeStep(step, context: context)
        switch self.state {
        case .handshaking:
            // Bytes that came while the step was out may carry the peer's next flight.
            if held != nil, self.handshakeJob == nil {
                self.advanceHandshake(context: context)
            }
        case .active, .inputClosed, .closing:
            // Application data that came with or after the peer's last flight was just
            // passed on, outside NIO's read cycle: end it as a read would.
            context.fireChannelReadComplete()
        case .idle, .outputClosed, .closed:
            break
        }
    }

    /// Keeps bytes from the peer until the step that is out comes back.
    func holdCiphertext(_ buffer: ByteBuffer, context: ChannelHandlerContext) {
        guard var held = self.heldCiphertext.take() else {
            self.heldCiphertext = buffer
            return
        }
        guard held.readableBytes + buffer.readableBytes <= Self.maximumHeldCiphertext else {
            self.fail(
                TLSError(
                    .protocolError,
                    "the peer sent more than \(Self.maximumHeldCiphertext) bytes while its TLS handshake was being processed"
                ),
                context: context
            )
            return
        }
        held.writeImmutableBuffer(buffer)
        self.heldCiphertext = held
    }
}
