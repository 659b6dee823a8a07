import NIOCore
import NIOPosix
import TLS

/// A TLS server and client on 127.0.0.1 that exchange one line, to prove a configuration.
enum LoopbackCheck {
    struct Result {
        let port: Int
        let serverSeenByClient: PeerIdentity
        let clientSeenByServer: PeerIdentity
        let bytes: Int
    }

    static let line = "PING securechat-check\r\n"

    /// Runs the exchange; fails with the first TLS error of either side, or after 10 s.
    static func run(server: TLSContext, client: TLSContext) async throws -> Result {
        let group = MultiThreadedEventLoopGroup.singleton
        let serverIdentity = group.any().makePromise(of: PeerIdentity.self)
        let listener = try await ServerBootstrap(group: group)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(TLSHandler(context: server))
                    try channel.pipeline.syncOperations.addHandler(Peer(identity: serverIdentity, echo: true))
                }
            }
            .bind(host: "127.0.0.1", port: 0)
            .get()
        defer { listener.close(promise: nil) }
        let port = listener.localAddress?.port ?? 0

        let clientIdentity = group.any().makePromise(of: PeerIdentity.self)
        let echoed = group.any().makePromise(of: Void.self)
        let connection = try await ClientBootstrap(group: group)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(TLSHandler(context: client))
                    try channel.pipeline.syncOperations.addHandler(
                        Peer(identity: clientIdentity, echo: false, expecting: Self.line, done: echoed)
                    )
                }
            }
            .connect(host: "127.0.0.1", port: port)
            .get()
        defer { connection.close(promise: nil) }
        let timeout = connection.eventLoop.scheduleTask(in: .seconds(10)) {
            let error = TLSError(.handshakeTimeout, "the self-check did not finish within 10 seconds")
            echoed.fail(error)
            serverIdentity.fail(error)
        }
        defer { timeout.cancel() }
        // Not awaited: a refusal can close the connection before the write, and its reason
        // (the alert, or the server's own error) reaches `echoed`; a failed write says less.
        connection.writeAndFlush(ByteBuffer(string: Self.line), promise: nil)
        // A server-side refusal (TLS 1.3) reaches the client as an alert, so wait on both.
        do {
            try await echoed.futureResult.get()
        } catch let error as TLSError where error.code == .rejectedByPeer {
            // The alert says only what (a revoked certificate); the server knows whose and why.
            let patience = connection.eventLoop.scheduleTask(in: .seconds(1)) { serverIdentity.fail(error) }
            defer { patience.cancel() }
            do {
                _ = try await serverIdentity.futureResult.get()
            } catch let serverError as TLSError {
                throw serverError
            }
            throw error
        }
        return Result(
            port: port,
            serverSeenByClient: try await clientIdentity.futureResult.get(),
            clientSeenByServer: try await serverIdentity.futureResult.get(),
            bytes: Self.line.utf8.count
        )
    }

    /// One side of the check: reports the peer's identity, echoes or awaits the line.
    private final class Peer: ChannelInboundHandler {
        typealias InboundIn = ByteBuffer
        typealias OutboundOut = ByteBuffer

        let identity: EventLoopPromise<PeerIdentity>
        let echo: Bool
        let expecting: String?
        let done: EventLoopPromise<Void>?
        var received = ""

        init(identity: EventLoopPromise<PeerIdentity>, echo: Bool, expecting: String? = nil, done: EventLoopPromise<Void>? = nil) {
            self.identity = identity
            self.echo = echo
            self.expecting = expecting
            self.done = done
        }

        func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
            if case .handshakeCompleted(let peer)? = event as? TLSEvent {
                self.identity.succeed(peer)
            }
            context.fireUserInboundEventTriggered(event)
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            let buffer = Self.unwrapInboundIn(data)
            if self.echo {
                context.writeAndFlush(Self.wrapOutboundOut(buffer), promise: nil)
                return
            }
            self.received += String(buffer: buffer)
            if let expecting = self.expecting, self.received == expecting {
                self.done?.succeed()
            }
        }

        func errorCaught(context: ChannelHandlerContext, error: any Error) {
            self.identity.fail(error)
            self.done?.fail(error)
            context.close(promise: nil)
        }

        func channelInactive(context: ChannelHandlerContext) {
            let error = TLSError(.closed, "the connection closed before the self-check finished")
            self.identity.fail(error)
            self.done?.fail(error)
        }
    }
}
