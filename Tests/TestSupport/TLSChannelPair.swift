import NIOCore
import NIOEmbedded
import TLS

/// A TLS client and server on back-to-back in-memory channels; tests decide when and how
/// the bytes cross (whole, split, coalesced).
public final class TLSChannelPair {
    public let client: EmbeddedChannel
    public let server: EmbeddedChannel
    public let clientLog = EventLog()
    public let serverLog = EventLog()
    /// Both channels share one loop, so timers advance together.
    public let loop = EmbeddedEventLoop()

    /// `serverExecutor` runs the server's handshake steps (inline when nil).
    public init(
        clientContext: TLSContext,
        serverContext: TLSContext,
        serverName: String? = "localhost",
        serverExecutor: (any TLSHandshakeExecutor)? = nil
    ) throws {
        self.client = EmbeddedChannel(loop: self.loop)
        self.server = EmbeddedChannel(loop: self.loop)
        try self.client.pipeline.syncOperations.addHandler(TLSHandler(context: clientContext, serverName: serverName))
        try self.client.pipeline.syncOperations.addHandler(EventRecorder(log: self.clientLog))
        try self.server.pipeline.syncOperations.addHandler(TLSHandler(context: serverContext, handshakeExecutor: serverExecutor))
        try self.server.pipeline.syncOperations.addHandler(EventRecorder(log: self.serverLog))
    }

    /// Activates both channels (the client sends its ClientHello).
    public func connect() throws {
        let address = try SocketAddress(ipAddress: "127.0.0.1", port: 1)
        try self.server.connect(to: address).wait()
        try self.client.connect(to: address).wait()
    }

    /// Ciphertext one side has written and not yet delivered, as one buffer per write.
    public func takeOutbound(from channel: EmbeddedChannel) throws -> [ByteBuffer] {
        var buffers: [ByteBuffer] = []
        while let buffer = try channel.readOutbound(as: ByteBuffer.self) {
            buffers.append(buffer)
        }
        return buffers
    }

    /// Moves bytes both ways, whole writes at a time, until neither side has anything to
    /// send (at most `rounds` exchanges).
    public func interact(rounds: Int = 20) throws {
        for _ in 0..<rounds {
            let fromClient = try self.takeOutbound(from: self.client)
            let fromServer = try self.takeOutbound(from: self.server)
            if fromClient.isEmpty && fromServer.isEmpty { return }
            for buffer in fromClient where self.server.isActive { try self.server.writeInbound(buffer) }
            for buffer in fromServer where self.client.isActive { try self.client.writeInbound(buffer) }
        }
    }

    /// Completes the handshake on both sides.
    public func handshake() throws {
        try self.connect()
        try self.interact()
    }
}
