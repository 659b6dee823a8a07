import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import TLS

/// A TLS server on 127.0.0.1, port 0, recording each accepted connection.
public final class TLSTestServer: Sendable {
    public let port: Int
    private let channel: any Channel
    private let accepted = NIOLockedValueBox<[EventLog]>([])

    /// Logs of the connections accepted so far, in order.
    public var connections: [EventLog] { self.accepted.withLockedValue { $0 } }

    /// Starts a server whose connections run `context` and, when `echo`, send back what
    /// they receive; `handshakeExecutor` runs their handshake steps (inline when nil).
    public init(
        context: TLSContext,
        echo: Bool = true,
        allowHalfClosure: Bool = false,
        handshakeExecutor: (any TLSHandshakeExecutor)? = nil
    ) async throws {
        let accepted = self.accepted
        self.channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.allowRemoteHalfClosure, value: allowHalfClosure)
            .childChannelInitializer { channel in
                let log = EventLog()
                accepted.withLockedValue { $0.append(log) }
                return channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(
                        TLSHandler(context: context, handshakeExecutor: handshakeExecutor))
                    try channel.pipeline.syncOperations.addHandler(EventRecorder(log: log, echo: echo))
                }
            }
            .bind(host: "127.0.0.1", port: 0)
            .get()
        self.port = self.channel.localAddress?.port ?? 0
    }

    /// Waits for the `index`th accepted connection.
    public func connection(_ index: Int = 0, timeout: Duration = .seconds(10)) async throws -> EventLog {
        let deadline = ContinuousClock.now + timeout
        while true {
            let logs = self.connections
            if logs.count > index { return logs[index] }
            guard ContinuousClock.now < deadline else {
                throw TestTimeout(what: "connection \(index)", events: [])
            }
            try await Task.sleep(for: .milliseconds(5))
        }
    }

    public func close() async throws {
        try await self.channel.close()
    }
}

/// Runs `body` with a TLS server, closing it afterwards.
public func withTLSServer<Result>(
    context: TLSContext,
    echo: Bool = true,
    allowHalfClosure: Bool = false,
    _ body: (TLSTestServer) async throws -> Result
) async throws -> Result {
    let server = try await TLSTestServer(context: context, echo: echo, allowHalfClosure: allowHalfClosure)
    do {
        let result = try await body(server)
        try? await server.close()
        return result
    } catch {
        try? await server.close()
        throw error
    }
}

/// A connected TLS client channel and its event log.
public struct TLSTestClient: Sendable {
    public let channel: any Channel
    public let log: EventLog

    /// Connects to 127.0.0.1:`port` with `context`.
    ///
    /// - Parameter leavesClosingToPeer: answer the peer's close_notify but leave the TCP
    ///   connection open until the peer closes it (as some clients do), instead of closing.
    public init(
        port: Int,
        context: TLSContext,
        serverName: String? = "localhost",
        allowHalfClosure: Bool = false,
        leavesClosingToPeer: Bool = false
    ) async throws {
        let log = EventLog()
        self.log = log
        self.channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelOption(.allowRemoteHalfClosure, value: allowHalfClosure)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    if leavesClosingToPeer {
                        try channel.pipeline.syncOperations.addHandler(CloseIgnorer())
                    }
                    try channel.pipeline.syncOperations.addHandler(TLSHandler(context: context, serverName: serverName))
                    try channel.pipeline.syncOperations.addHandler(EventRecorder(log: log))
                }
            }
            .connect(host: "127.0.0.1", port: port)
            .get()
    }

    /// Writes `bytes` and flushes.
    public func send(_ bytes: [UInt8]) async throws {
        try await self.channel.writeAndFlush(ByteBuffer(bytes: bytes))
    }
}

/// Swallows close requests below the TLS handler: its close_notify still goes out, but the
/// connection stays open until the peer closes it.
public final class CloseIgnorer: ChannelOutboundHandler {
    public typealias OutboundIn = ByteBuffer

    public init() {}

    public func close(context: ChannelHandlerContext, mode: CloseMode, promise: EventLoopPromise<Void>?) {
        promise?.succeed()
    }
}
