import NIOCore
import NIOHTTP1
import NIOPosix

/// A small plain-HTTP/1.1 listener for `GET /metrics`, `/livez` and `/readyz` (see
/// ``HealthRoutes``). It never shares a port with the chat: it is its own listener on its
/// own address, and answers nothing else (404, or 405 for a method other than GET/HEAD).
public final class HealthServer: Sendable {
    private let channel: any Channel
    /// The address it listens on (the port the system chose for port 0).
    public let localAddress: SocketAddress
    /// Whether it answers `/metrics` (else only the health checks).
    public let servesMetrics: Bool

    /// How long an HTTP connection may stay idle before it is closed.
    static let idleTimeout = TimeAmount.seconds(30)

    private init(channel: any Channel, localAddress: SocketAddress, servesMetrics: Bool) {
        self.channel = channel
        self.localAddress = localAddress
        self.servesMetrics = servesMetrics
    }

    /// Listens on `address` with `routes`, on `group`.
    ///
    /// - Throws: NIO's error when the address cannot be bound (in use, not this machine's).
    /// `secure`, when given, adds the handlers that come before HTTP on each connection
    /// (mutual TLS and a check of the peer).
    public static func start(
        on address: ListenAddress, routes: HealthRoutes, group: any EventLoopGroup,
        secure: (@Sendable (any Channel) throws -> Void)? = nil
    ) async throws -> HealthServer {
        let channel = try await ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 64)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let sync = channel.pipeline.syncOperations
                    try secure?(channel)
                    try sync.configureHTTPServerPipeline(withErrorHandling: true)
                    try sync.addHandler(IdleStateHandler(allTimeout: Self.idleTimeout))
                    try sync.addHandler(HealthRequestHandler(routes: routes))
                }
            }
            .bind(host: address.host, port: address.port)
            .get()
        guard let local = channel.localAddress else {
            try? await channel.close()
            throw ChannelError.unknownLocalAddress
        }
        return HealthServer(channel: channel, localAddress: local, servesMetrics: routes.metrics != nil)
    }

    /// Stops listening; open requests finish on their own.
    public func close() async {
        try? await self.channel.close()
    }
}

/// Answers one connection's requests in order.
final class HealthRequestHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let routes: HealthRoutes
    private var request: HTTPRequestHead?

    init(routes: HealthRoutes) {
        self.routes = routes
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch Self.unwrapInboundIn(data) {
        case .head(let head):
            self.request = head
        case .body:
            break
        case .end:
            guard let head = self.request else { return }
            self.request = nil
            self.answer(head, context: context)
        }
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event is IdleStateHandler.IdleStateEvent {
            context.close(promise: nil)
        } else {
            context.fireUserInboundEventTriggered(event)
        }
    }

    private func answer(_ head: HTTPRequestHead, context: ChannelHandlerContext) {
        let path = head.uri.split(separator: "?", maxSplits: 1).first.map(String.init) ?? head.uri
        guard head.method == .GET || head.method == .HEAD else {
            self.respond(.methodNotAllowed, "only GET and HEAD are served\n", head: head, context: context, extra: [("Allow", "GET, HEAD")])
            return
        }
        switch (path, self.routes.metrics) {
        case ("/metrics", let metrics?):
            metrics().hop(to: context.eventLoop).assumeIsolated().whenComplete { result in
                switch result {
                case .success(let bytes):
                    self.respond(.ok, bytes, head: head, context: context, contentType: "text/plain; version=0.0.4; charset=utf-8")
                case .failure(let error):
                    self.respond(.serviceUnavailable, "metrics unavailable: \(error)\n", head: head, context: context)
                }
            }
        case ("/livez", _):
            self.routes.isLive().hop(to: context.eventLoop).assumeIsolated().whenComplete { result in
                if case .success(true) = result {
                    self.respond(.ok, "ok\n", head: head, context: context)
                } else {
                    self.respond(.serviceUnavailable, "the hub's event loop did not answer in time\n", head: head, context: context)
                }
            }
        case ("/readyz", _):
            if self.routes.isReady() {
                self.respond(.ok, "ready\n", head: head, context: context)
            } else {
                self.respond(.serviceUnavailable, "not ready: starting, draining or shutting down\n", head: head, context: context)
            }
        default:
            self.respond(.notFound, "not found; try /metrics, /livez or /readyz\n", head: head, context: context)
        }
    }

    private func respond(
        _ status: HTTPResponseStatus, _ text: String, head: HTTPRequestHead, context: ChannelHandlerContext,
        extra: [(String, String)] = []
    ) {
        self.respond(status, Array(text.utf8), head: head, context: context, extra: extra)
    }

    private func respond(
        _ status: HTTPResponseStatus, _ body: [UInt8], head: HTTPRequestHead, context: ChannelHandlerContext,
        contentType: String = "text/plain; charset=utf-8", extra: [(String, String)] = []
    ) {
        var headers = HTTPHeaders([("Content-Type", contentType), ("Content-Length", "\(body.count)"), ("Cache-Control", "no-store")])
        headers.add(contentsOf: extra)
        let keepAlive = head.isKeepAlive
        headers.add(name: "Connection", value: keepAlive ? "keep-alive" : "close")
        context.write(Self.wrapOutboundOut(.head(HTTPResponseHead(version: head.version, status: status, headers: headers))), promise: nil)
        if head.method != .HEAD {
            context.write(Self.wrapOutboundOut(.body(.byteBuffer(context.channel.allocator.buffer(bytes: body)))), promise: nil)
        }
        let done = context.eventLoop.makePromise(of: Void.self)
        context.writeAndFlush(Self.wrapOutboundOut(.end(nil)), promise: done)
        if !keepAlive {
            done.futureResult.assumeIsolated().whenComplete { _ in context.close(promise: nil) }
        }
    }
}
