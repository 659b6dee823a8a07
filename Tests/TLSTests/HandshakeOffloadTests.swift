import NIOCore
import NIOEmbedded
import NIOPosix
import Testing
import TestSupport
import TLS

/// Handshake steps on a ``TLSHandshakeExecutor``: the test runs each step when it chooses,
/// so bytes, closes and timeouts can land while a step is out.
@Suite("TLS handshakes off the event loop")
struct HandshakeOffloadTests {
    let pki: TestPKI
    init() throws { self.pki = try TestPKI() }

    private func makePair(_ executor: ManualHandshakeExecutor) throws -> TLSChannelPair {
        try TLSChannelPair(
            clientContext: try self.pki.clientContext("alice"),
            serverContext: try TLSContext(server: self.pki.serverConfiguration()),
            serverExecutor: executor
        )
    }

    /// Moves bytes and runs steps until nothing is left to do (bounded).
    private func exchange(_ pair: TLSChannelPair, _ executor: ManualHandshakeExecutor) throws {
        for _ in 0..<20 {
            try pair.interact()
            guard executor.runPending() > 0 else { return }
            pair.loop.run()
        }
    }

    /// The client's hello, delivered to the server: a step is then out.
    private func deliverClientHello(_ pair: TLSChannelPair, _ executor: ManualHandshakeExecutor) throws {
        try pair.connect()
        for buffer in try pair.takeOutbound(from: pair.client) { try pair.server.writeInbound(buffer) }
        #expect(executor.pending == 1)
    }

    @Test func handshakeCompletesThroughTheExecutor() throws {
        let executor = ManualHandshakeExecutor()
        let pair = try self.makePair(executor)
        try pair.connect()
        try self.exchange(pair, executor)
        #expect(pair.serverLog.peerIdentity?.certificate.commonName == "alice")
        #expect(pair.clientLog.peerIdentity?.certificate.commonName == "localhost")
        try pair.client.writeAndFlush(ByteBuffer(string: "after")).wait()
        try pair.interact()
        #expect(pair.serverLog.receivedBytes == Array("after".utf8))
    }

    @Test func nothingIsSentUntilTheStepComesBack() throws {
        let executor = ManualHandshakeExecutor()
        let pair = try self.makePair(executor)
        try self.deliverClientHello(pair, executor)
        #expect(try pair.takeOutbound(from: pair.server).isEmpty)
        executor.runPending()
        #expect(try pair.takeOutbound(from: pair.server).isEmpty)  // back on the loop only when it runs
        pair.loop.run()
        #expect(try !pair.takeOutbound(from: pair.server).isEmpty)
    }

    @Test func bytesArrivingWhileAStepIsOutAreFedAfterIt() throws {
        let executor = ManualHandshakeExecutor()
        let pair = try self.makePair(executor)
        try pair.connect()
        var hello = ByteBuffer()
        for buffer in try pair.takeOutbound(from: pair.client) { hello.writeImmutableBuffer(buffer) }
        let half = hello.readableBytes / 2
        try pair.server.writeInbound(hello.getSlice(at: hello.readerIndex, length: half)!)
        #expect(executor.pending == 1)
        try pair.server.writeInbound(hello.getSlice(at: hello.readerIndex + half, length: hello.readableBytes - half)!)
        #expect(executor.pending == 1)  // held, not a second step
        executor.runPending()
        pair.loop.run()
        #expect(executor.pending == 1)  // the held half went into the next step
        try self.exchange(pair, executor)
        #expect(pair.serverLog.peerIdentity?.certificate.commonName == "alice")
    }

    @Test func applicationDataHeldWhileTheLastStepIsOutIsDeliveredWhenItReturns() throws {
        let executor = ManualHandshakeExecutor()
        let pair = try self.makePair(executor)
        try self.deliverClientHello(pair, executor)
        executor.runPending()
        pair.loop.run()
        for buffer in try pair.takeOutbound(from: pair.server) { try pair.client.writeInbound(buffer) }
        #expect(pair.clientLog.peerIdentity != nil)  // TLS 1.3: the client is done first
        for buffer in try pair.takeOutbound(from: pair.client) { try pair.server.writeInbound(buffer) }
        #expect(executor.pending == 1)  // the client's certificate, being verified
        try pair.client.writeAndFlush(ByteBuffer(string: "early")).wait()
        for buffer in try pair.takeOutbound(from: pair.client) { try pair.server.writeInbound(buffer) }
        #expect(executor.pending == 1)
        executor.runPending()
        pair.loop.run()
        #expect(pair.serverLog.peerIdentity?.certificate.commonName == "alice")
        #expect(pair.serverLog.receivedBytes == Array("early".utf8))
    }

    /// What ends a connection while its step is out, and the error it reports.
    enum Interruption: CaseIterable, Sendable {
        case closedByTheApplication, peerLeft, handshakeTimedOut, peerSentTooMuch

        var error: TLSError.Code? {
            switch self {
            case .closedByTheApplication: nil
            case .peerLeft: .handshakeFailed
            case .handshakeTimedOut: .handshakeTimeout
            case .peerSentTooMuch: .protocolError
            }
        }
    }

    @Test(arguments: Interruption.allCases)
    func connectionEndingWhileAStepIsOutClosesAtOnceAndDropsTheStep(_ interruption: Interruption) throws {
        let executor = ManualHandshakeExecutor()
        let pair = try self.makePair(executor)
        try self.deliverClientHello(pair, executor)
        switch interruption {
        case .closedByTheApplication:
            try pair.server.close().wait()
        case .peerLeft:
            pair.server.pipeline.fireChannelInactive()
        case .handshakeTimedOut:
            pair.loop.advanceTime(by: .seconds(10))
        case .peerSentTooMuch:
            let chunk = ByteBuffer(repeating: 0x16, count: 64 * 1024)
            for _ in 0..<5 where pair.server.isActive {
                _ = try? pair.server.writeInbound(chunk)
            }
        }
        #expect(pair.serverLog.firstTLSError?.code == interruption.error)
        if interruption != .peerLeft {
            #expect(!pair.server.isActive)
        }
        executor.runPending()
        pair.loop.run()
        #expect(try pair.takeOutbound(from: pair.server).isEmpty)
        #expect(pair.serverLog.peerIdentity == nil)
    }

    @Test func stepThatRanBeforeTheCloseIsDroppedWhenItComesBack() throws {
        let executor = ManualHandshakeExecutor()
        let pair = try self.makePair(executor)
        try self.deliverClientHello(pair, executor)
        executor.runPending()  // the step ran; its result waits for the loop
        try pair.server.close().wait()
        pair.loop.run()
        #expect(try pair.takeOutbound(from: pair.server).isEmpty)
        #expect(pair.serverLog.peerIdentity == nil)
    }

    @Test func failedHandshakeThroughTheExecutorSendsItsAlert() throws {
        let executor = ManualHandshakeExecutor()
        let foreign = try self.pki.foreignClient()
        let pins = [try self.pki.server.info().publicKeyFingerprint]
        let pair = try TLSChannelPair(
            clientContext: try TLSContext(client: self.pki.clientConfiguration(foreign, pins: pins)),
            serverContext: try TLSContext(server: self.pki.serverConfiguration()),
            serverExecutor: executor
        )
        try pair.connect()
        try self.exchange(pair, executor)
        #expect(pair.serverLog.firstTLSError?.code == .certificateRejected)
        #expect(pair.clientLog.firstTLSError?.code == .rejectedByPeer)
    }

    /// Many clients at once through real threads (run under the thread sanitizer too).
    @Test func concurrentHandshakesOnWorkerThreadsEchoData() async throws {
        let pool = NIOThreadPool(numberOfThreads: 2)
        pool.start()
        defer { pool.shutdownGracefully { _ in } }
        let executor = ThreadPoolHandshakeExecutor(pool: pool)
        let serverContext = try TLSContext(server: self.pki.serverConfiguration())
        let clientContext = try self.pki.clientContext("alice")
        try await withThrowingTaskGroup(of: Void.self) { group in
            let server = try await TLSTestServer(context: serverContext, handshakeExecutor: executor)
            for index in 0..<16 {
                group.addTask {
                    let client = try await TLSTestClient(port: server.port, context: clientContext)
                    _ = try await client.log.waitForHandshake()
                    let text = Array("client \(index)".utf8)
                    try await client.send(text)
                    #expect(try await client.log.waitForBytes(text.count) == text)
                    try await client.channel.close()
                }
            }
            try await group.waitForAll()
            try await server.close()
        }
        #expect(executor.submitted >= 32)
    }
}
