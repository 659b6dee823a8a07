import Foundation
import IRC
import NIOCore
import TLS

/// The NIO end of a ``ChatConnection``: reports the TLS handshake, feeds lines to an
/// ``IRCSessionState`` and carries out its actions. Loop-confined.
final class IRCClientHandler: ChannelInboundHandler {
    typealias InboundIn = IRCLineEvent
    typealias OutboundOut = ByteBuffer

    private var state: IRCSessionState
    private let events: AsyncStream<ChatEvent>.Continuation
    /// Completed with the server's identity after the handshake, before anything is sent.
    let handshake: EventLoopPromise<PeerIdentity>
    /// Completed with the nick once the server sent 001.
    let registration: EventLoopPromise<String>
    private var context: ChannelHandlerContext?
    /// The first cause of the end of the connection.
    private var failure: ChatClientError?
    private var closedByUs = false
    private var finished = false
    /// Messages waiting for their echo: the server accepted them when it comes back.
    private var pending: [(id: Int, target: String, text: String, promise: EventLoopPromise<Void>)] = []
    private var nextPendingID = 0
    private var planner = OutgoingPlanner()

    init(state: IRCSessionState, events: AsyncStream<ChatEvent>.Continuation, eventLoop: any EventLoop) {
        self.state = state
        self.events = events
        self.handshake = eventLoop.makePromise()
        self.registration = eventLoop.makePromise()
    }

    var nick: String { self.state.nick }
    var rooms: [String] { self.state.rooms }
    /// What this connection has seen, for the next connection of the session.
    var history: HistoryMemory { self.state.history }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        // A connect that fails never goes active; the promises still need an answer.
        self.finish()
        self.context = nil
    }

    /// Sends the registration lines; called once the server is trusted.
    func start() {
        self.perform(self.state.start())
    }

    /// Sends one line; `promise` completes when it was written.
    func send(_ message: IRCMessage, promise: EventLoopPromise<Void>?) {
        guard let context, !self.finished else {
            promise?.fail(ChatClientError(.notConnected, "not connected to the server"))
            return
        }
        var buffer = context.channel.allocator.buffer(capacity: 128)
        message.write(into: &buffer)
        context.writeAndFlush(self.wrapOutboundOut(buffer), promise: promise)
    }

    /// The units that carry `text` to `target` on this connection: cut to its line budget,
    /// batched where the server offers `draft/multiline`.
    func plan(_ text: String, to target: String, action: Bool) -> [OutgoingPlanner.Unit] {
        self.planner.plan(
            text, to: target, action: action, source: self.state.sourceForBudget, multiline: self.state.multilineLimits)
    }

    /// Sends a unit's lines; `written` completes when the last was written.
    func send(_ unit: OutgoingPlanner.Unit, written: EventLoopPromise<Void>?) {
        for (index, line) in unit.lines.enumerated() {
            self.send(line, promise: index == unit.lines.count - 1 ? written : nil)
        }
    }

    /// Sends a unit and completes `accepted` when the server echoes it back, or fails it
    /// when the server refuses it or the connection ends.
    func deliver(_ unit: OutgoingPlanner.Unit, to target: String, accepted: EventLoopPromise<Void>) {
        guard !self.finished else {
            accepted.fail(self.failure ?? ChatClientError(.notConnected, "not connected to the server"))
            return
        }
        guard self.state.capabilities.contains("echo-message") else {
            // A server without echo-message cannot confirm; written is the best we learn.
            self.send(unit, written: accepted)
            return
        }
        self.nextPendingID += 1
        self.pending.append((self.nextPendingID, target, unit.echoText, accepted))
        // A failed write closes the channel, and finish() fails what is pending.
        self.send(unit, written: nil)
    }

    /// Closes the connection without reporting a failure.
    ///
    /// A registered session sends QUIT and lets the server close: what the server still
    /// owes it (the echoes that acknowledge its last messages, sent once they are stored)
    /// arrives first. After ``quitGrace`` it closes anyway.
    func close(quitMessage: String?) {
        self.closedByUs = true
        guard let context else { return }
        guard self.state.isRegistered else {
            context.close(promise: nil)
            return
        }
        self.send(IRCMessage(command: "QUIT", params: [quitMessage ?? "Leaving"]), promise: nil)
        context.eventLoop.assumeIsolated().scheduleTask(in: Self.quitGrace) {
            self.context?.close(promise: nil)
        }
    }

    /// How long a QUIT waits for the server to close the connection.
    static let quitGrace = TimeAmount.seconds(3)

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if case .handshakeCompleted(let identity)? = event as? TLSEvent {
            self.handshake.succeed(identity)
        }
        context.fireUserInboundEventTriggered(event)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard case .line(let line) = self.unwrapInboundIn(data),
            let message = try? IRCMessage(parsing: line)
        else { return }
        self.perform(self.state.receive(message))
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if self.failure == nil { self.failure = Self.cause(of: error) }
        context.close(promise: nil)
    }

    func channelInactive(context: ChannelHandlerContext) {
        self.finish()
        context.fireChannelInactive()
    }

    private func perform(_ actions: [IRCSessionState.Action]) {
        for action in actions {
            switch action {
            case .send(let message):
                self.send(message, promise: nil)
            case .event(let event):
                if self.state.isRegistered { self.events.yield(event) }
            case .accepted(let message):
                self.acknowledge(message)
            case .registered(let nick):
                self.registration.succeed(nick)
            case .fail(let error):
                if self.failure == nil { self.failure = error }
                self.context?.close(promise: nil)
            case .deliveryRefused(let target, let error):
                let folded = IRCCaseMapping.fold(target)
                if let entry = self.pending.first(where: { IRCCaseMapping.fold($0.target) == folded }) {
                    self.resolve(id: entry.id, with: .failure(error))
                }
            }
        }
    }

    private func acknowledge(_ message: ChatMessage) {
        let folded = IRCCaseMapping.fold(message.to)
        let text = message.isAction ? "\u{1}ACTION \(message.text)\u{1}" : message.text
        if let entry = self.pending.first(where: { IRCCaseMapping.fold($0.target) == folded && $0.text == text }) {
            self.resolve(id: entry.id, with: .success(()))
        }
    }

    private func resolve(id: Int, with result: Result<Void, any Error>) {
        guard let index = self.pending.firstIndex(where: { $0.id == id }) else { return }
        let entry = self.pending.remove(at: index)
        entry.promise.completeWith(result)
    }

    private func finish() {
        guard !self.finished else { return }
        self.finished = true
        let cause = self.closedByUs && self.failure == nil ? nil : (self.failure ?? ChatClientError(.disconnected, "the server closed the connection"))
        let error = cause ?? ChatClientError(.notConnected, "the connection was closed")
        self.handshake.fail(error)
        self.registration.fail(error)
        for entry in self.pending { entry.promise.fail(error) }
        self.pending.removeAll()
        self.events.yield(.disconnected(cause))
        self.events.finish()
    }

    /// The client's reading of a TLS or socket error.
    static func cause(of error: any Error) -> ChatClientError {
        if let error = error as? ChatClientError { return error }
        guard let error = error as? TLSError else {
            return ChatClientError(.connectionFailed, "the connection failed: \(ConnectFailure.words(for: error))")
        }
        switch error.code {
        case .pinMismatch:
            return ChatClientError(.pinMismatch, error.reason)
        case .rejectedByPeer, .certificateRequired:
            return ChatClientError(
                .certificateRefused,
                "the server refused your certificate during the TLS handshake (\(error.reason)); check that it is signed by the server's CA, not expired and not revoked")
        case .certificateRejected:
            return ChatClientError(.serverCertificateRejected, "\(error.reason); check the server address and its pin")
        case .unsupportedProtocol, .notTLS:
            return ChatClientError(.serverCertificateRejected, "\(error.reason); check that the port speaks SecureChat over TLS")
        default:
            return ChatClientError(.connectionFailed, "TLS failed: \(error.description)")
        }
    }
}
