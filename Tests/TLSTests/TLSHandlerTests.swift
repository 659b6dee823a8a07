import Foundation
import NIOCore
import NIOEmbedded
import Testing
import TestSupport
import TLS

/// The handler on back-to-back in-memory channels, where the test decides how bytes cross.
@Suite("TLS handler edge cases")
struct TLSHandlerTests {
    let pki: TestPKI
    init() throws { self.pki = try TestPKI() }

    private func makePair(serverConfiguration: TLSServerConfiguration? = nil) throws -> TLSChannelPair {
        try TLSChannelPair(
            clientContext: try self.pki.clientContext("alice"),
            serverContext: try TLSContext(server: serverConfiguration ?? self.pki.serverConfiguration())
        )
    }

    private func bytes(_ buffers: [ByteBuffer]) -> [UInt8] {
        buffers.flatMap { Array($0.readableBytesView) }
    }

    /// An application-data record whose contents fail decryption.
    static let corruptRecord = ByteBuffer(bytes: [0x17, 0x03, 0x03, 0x00, 0x20] + Array(repeating: 0xAB, count: 32))

    /// Whether `future` has completed, without waiting (embedded loop only).
    private func hasCompleted(_ future: EventLoopFuture<Void>) -> Bool {
        var completed = false
        future.assumeIsolated().whenComplete { _ in completed = true }
        return completed
    }

    @Test func handshakeCompletesOnBothSides() throws {
        let pair = try self.makePair()
        try pair.handshake()
        #expect(pair.clientLog.peerIdentity?.certificate.commonName == "localhost")
        #expect(pair.serverLog.peerIdentity?.certificate.commonName == "alice")
    }

    @Test func recordsSplitIntoSingleBytesAreReassembled() throws {
        let pair = try self.makePair()
        try pair.connect()
        // Deliver every handshake flight one byte at a time.
        for _ in 0..<10 {
            let fromClient = self.bytes(try pair.takeOutbound(from: pair.client))
            let fromServer = self.bytes(try pair.takeOutbound(from: pair.server))
            if fromClient.isEmpty && fromServer.isEmpty { break }
            for byte in fromClient { try pair.server.writeInbound(ByteBuffer(bytes: [byte])) }
            for byte in fromServer { try pair.client.writeInbound(ByteBuffer(bytes: [byte])) }
        }
        #expect(pair.serverLog.peerIdentity != nil)
        try pair.client.writeAndFlush(ByteBuffer(string: "split record")).wait()
        for byte in self.bytes(try pair.takeOutbound(from: pair.client)) {
            try pair.server.writeInbound(ByteBuffer(bytes: [byte]))
        }
        #expect(pair.serverLog.receivedBytes == Array("split record".utf8))
    }

    @Test func manyRecordsInOneReadAreAllDelivered() throws {
        let pair = try self.makePair()
        try pair.handshake()
        // Separate flushes make separate records; deliver them as one read.
        for index in 0..<50 {
            try pair.client.writeAndFlush(ByteBuffer(string: "r\(index);")).wait()
        }
        let records = try pair.takeOutbound(from: pair.client)
        #expect(records.count == 50)
        try pair.server.writeInbound(ByteBuffer(bytes: self.bytes(records)))
        #expect(pair.serverLog.receivedBytes == Array((0..<50).map { "r\($0);" }.joined().utf8))
    }

    @Test func largeWriteSpansRecordsAndArrivesWhole() throws {
        let pair = try self.makePair()
        try pair.handshake()
        let text = (0..<100_000).map { UInt8(truncatingIfNeeded: $0 % 251) }
        try pair.client.writeAndFlush(ByteBuffer(bytes: text)).wait()
        let written = try pair.takeOutbound(from: pair.client)
        #expect(written.count == 1)  // seven records, one socket write
        try pair.server.writeInbound(ByteBuffer(bytes: self.bytes(written)))
        #expect(pair.serverLog.receivedBytes == text)
    }

    /// OpenSSL copies the partial record into its own read buffer and asks for more; the
    /// rest completes it.
    @Test func partialRecordReadIntoALargeBufferIsDeliveredWhenTheRestArrives() throws {
        let pair = try self.makePair()
        try pair.handshake()
        try pair.client.writeAndFlush(ByteBuffer(string: "hello")).wait()
        let record = self.bytes(try pair.takeOutbound(from: pair.client))
        // As NIO reads: the first bytes at the start of a large buffer.
        var first = ByteBufferAllocator().buffer(capacity: 65_536)
        first.writeBytes(record.prefix(3))
        try pair.server.writeInbound(first)
        #expect(pair.serverLog.receivedBytes.isEmpty)
        try pair.server.writeInbound(ByteBuffer(bytes: record.dropFirst(3)))
        #expect(pair.serverLog.receivedBytes == Array("hello".utf8))
    }

    @Test func handshakeEndAndApplicationDataInTheSameRead() throws {
        let pair = try self.makePair()
        try pair.connect()
        // ClientHello → server; server flight → client. The client's next output is its
        // Finished (and certificate); queue application data before delivering it.
        try pair.server.writeInbound(ByteBuffer(bytes: self.bytes(try pair.takeOutbound(from: pair.client))))
        try pair.client.writeInbound(ByteBuffer(bytes: self.bytes(try pair.takeOutbound(from: pair.server))))
        #expect(pair.clientLog.peerIdentity != nil)
        try pair.client.writeAndFlush(ByteBuffer(string: "right behind the Finished")).wait()
        let combined = self.bytes(try pair.takeOutbound(from: pair.client))
        try pair.server.writeInbound(ByteBuffer(bytes: combined))
        #expect(pair.serverLog.peerIdentity != nil)
        #expect(pair.serverLog.receivedBytes == Array("right behind the Finished".utf8))
    }

    @Test func oneFlushOfManyWritesMakesOneSocketWrite() throws {
        let pair = try self.makePair()
        try pair.handshake()
        var promises: [EventLoopFuture<Void>] = []
        for index in 0..<100 {
            promises.append(pair.client.write(ByteBuffer(string: "message \(index)\r\n")))
        }
        pair.client.flush()
        let writes = try pair.takeOutbound(from: pair.client)
        #expect(writes.count == 1)
        // 100 short lines fit one TLS record: 5-byte header + data + 1 type byte + 16 tag.
        let plaintextSize = (0..<100).map { "message \($0)\r\n".utf8.count }.reduce(0, +)
        #expect(writes[0].readableBytes == 5 + plaintextSize + 1 + 16)
        for promise in promises { try promise.wait() }
        try pair.server.writeInbound(writes[0])
        #expect(pair.serverLog.receivedBytes.count == plaintextSize)
    }

    @Test func unflushedWritesWaitForFlush() throws {
        let pair = try self.makePair()
        try pair.handshake()
        pair.client.write(ByteBuffer(string: "not yet"), promise: nil)
        #expect(try pair.takeOutbound(from: pair.client).isEmpty)
        pair.client.flush()
        #expect(try pair.takeOutbound(from: pair.client).count == 1)
    }

    @Test func closeNotifyIsExchangedAndTheChannelCloses() throws {
        let pair = try self.makePair()
        try pair.handshake()
        let closed = pair.client.close()
        // The client's close_notify reaches the server, which answers with its own and closes.
        try pair.interact()
        #expect(!pair.server.isActive)
        try closed.wait()
        #expect(!pair.client.isActive)
        #expect(pair.clientLog.firstTLSError == nil)
        #expect(pair.serverLog.firstTLSError == nil)
    }

    @Test func closeWaitsForThePeersCloseNotifyOnlyUntilTheTimeout() throws {
        let pair = try self.makePair()
        try pair.handshake()
        let closed = pair.client.close()
        _ = try pair.takeOutbound(from: pair.client)  // the close_notify is lost
        #expect(pair.client.isActive)
        pair.loop.advanceTime(by: .seconds(3))
        try closed.wait()
        #expect(!pair.client.isActive)
    }

    @Test func closeCompletesWhenAFailureEndsTheWaitForCloseNotify() throws {
        let pair = try self.makePair()
        try pair.handshake()
        let closed = pair.client.close()
        _ = try pair.takeOutbound(from: pair.client)
        // A corrupt application-data record arrives instead of the peer's close_notify.
        try pair.client.writeInbound(Self.corruptRecord)
        #expect(!pair.client.isActive)
        #expect(self.hasCompleted(closed))
    }

    @Test func closeFailsWhenTheHandlerIsRemovedWhileWaitingForCloseNotify() throws {
        let pair = try self.makePair()
        try pair.handshake()
        let closed = pair.client.close()
        let handler = try pair.client.pipeline.syncOperations.handler(type: TLSHandler.self)
        try pair.client.pipeline.syncOperations.removeHandler(handler).wait()
        try #require(self.hasCompleted(closed))
        #expect(throws: TLSError(.closed, "")) { try closed.wait() }
    }

    @Test func endOfInputWithoutCloseNotifyIsUnclean() throws {
        let pair = try self.makePair()
        try pair.handshake()
        pair.server.pipeline.fireUserInboundEventTriggered(ChannelEvent.inputClosed)
        #expect(pair.serverLog.firstTLSError?.code == .uncleanShutdown)
        #expect(!pair.server.isActive)
    }

    @Test func connectionLossWithoutCloseNotifyIsUnclean() throws {
        let pair = try self.makePair()
        try pair.handshake()
        pair.server.pipeline.fireChannelInactive()
        #expect(pair.serverLog.firstTLSError?.code == .uncleanShutdown)
    }

    @Test func stalledHandshakeTimesOut() throws {
        let pair = try self.makePair()
        try pair.connect()
        // The client's hello never arrives.
        _ = try pair.takeOutbound(from: pair.client)
        pair.loop.advanceTime(by: .seconds(9))
        #expect(pair.server.isActive)
        pair.loop.advanceTime(by: .seconds(1))
        #expect(pair.serverLog.firstTLSError?.code == .handshakeTimeout)
        #expect(!pair.server.isActive)
    }

    @Test func completedHandshakeCancelsTheTimeout() throws {
        let pair = try self.makePair()
        try pair.handshake()
        pair.loop.advanceTime(by: .seconds(60))
        #expect(pair.server.isActive)
        #expect(pair.serverLog.firstTLSError == nil)
    }

    @Test(arguments: ["GET / HTTP/1.1\r\nHost: x\r\n\r\n", "NICK alice\r\nUSER a 0 * :A\r\n", "\u{0}\u{1}\u{2}garbage"])
    func plaintextInsteadOfClientHelloIsRefusedAtOnce(text: String) throws {
        var configuration = self.pki.serverConfiguration()
        configuration.nonTLSReply = "ERROR :This port speaks TLS only\r\n"
        let pair = try self.makePair(serverConfiguration: configuration)
        try pair.connect()
        _ = try pair.takeOutbound(from: pair.client)
        try pair.server.writeInbound(ByteBuffer(string: text))
        let error = try #require(pair.serverLog.firstTLSError)
        #expect(error.code == .notTLS)
        #expect(!pair.server.isActive)
        let reply = self.bytes(try pair.takeOutbound(from: pair.server))
        #expect(String(decoding: reply, as: UTF8.self) == "ERROR :This port speaks TLS only\r\n")
    }

    /// SECURITY.md promises message contents never reach the log: a client that forgot
    /// TLS sends its password first, and the error (which the server logs) must not hold it.
    @Test func plaintextPeerIsDescribedByKindAndLengthNeverByItsBytes() throws {
        let pair = try self.makePair()
        try pair.connect()
        _ = try pair.takeOutbound(from: pair.client)
        try pair.server.writeInbound(ByteBuffer(string: "PASS hunter2-secret\r\nNICK x\r\n"))
        let error = try #require(pair.serverLog.firstTLSError)
        #expect(error.code == .notTLS)
        #expect(error.description.contains("IRC"))
        #expect(error.description.contains("29 bytes"))
        #expect(!error.description.contains("hunter2"))
        #expect(!error.description.contains("PASS"))
    }

    @Test func garbageAfterAValidRecordHeaderFailsTheHandshake() throws {
        let pair = try self.makePair()
        try pair.connect()
        _ = try pair.takeOutbound(from: pair.client)
        // A handshake record header followed by nonsense.
        try pair.server.writeInbound(ByteBuffer(bytes: [0x16, 0x03, 0x01, 0x00, 0x08] + Array(repeating: 0xff, count: 8)))
        #expect(pair.serverLog.firstTLSError?.code == .handshakeFailed)
        #expect(!pair.server.isActive)
    }

    @Test func corruptRecordAfterTheHandshakeIsAProtocolError() throws {
        let pair = try self.makePair()
        try pair.handshake()
        try pair.server.writeInbound(Self.corruptRecord)
        #expect(pair.serverLog.firstTLSError?.code == .protocolError)
        #expect(!pair.server.isActive)
        // The server told the client why before it closed: a bad_record_mac alert.
        let alert = try pair.takeOutbound(from: pair.server)
        #expect(!alert.isEmpty)
        for buffer in alert { try pair.client.writeInbound(buffer) }
        let clientError = try #require(pair.clientLog.firstTLSError)
        #expect("\(clientError)".contains("bad record mac"))
    }

    @Test func writesAfterCloseFail() throws {
        let pair = try self.makePair()
        try pair.handshake()
        _ = pair.client.close()
        #expect(throws: TLSError(.closed, "")) { try pair.client.writeAndFlush(ByteBuffer(string: "late")).wait() }
    }

    @Test func unflushedWritesFailWhenOutputIsClosed() throws {
        let pair = try self.makePair()
        try pair.handshake()
        // The embedded channel cannot half-close; keep it open as a socket would.
        try pair.client.pipeline.syncOperations.addHandler(CloseIgnorer(), position: .first)
        let flushed = pair.client.writeAndFlush(ByteBuffer(string: "sent"))
        let unflushed = pair.client.write(ByteBuffer(string: "never flushed"))
        pair.client.close(mode: .output, promise: nil)
        #expect(pair.client.isActive)
        try flushed.wait()
        try #require(self.hasCompleted(unflushed))
        #expect(throws: TLSError(.closed, "")) { try unflushed.wait() }
    }

    @Test func liveSessionIsReverifiedAgainstReloadedCAAndCRL() throws {
        let pair = try self.makePair()
        try pair.handshake()
        let handler = try pair.server.pipeline.syncOperations.handler(type: TLSHandler.self)
        #expect(handler.reverifyPeer(against: try self.pki.serverContext()) == nil)

        let crl = try self.pki.ca.writeCRL(revoking: [try self.pki.client("alice")])
        let revoked = handler.reverifyPeer(against: try self.pki.serverContext(crl: crl))
        #expect(revoked?.code == .certificateRejected)
        #expect(revoked?.reason.contains("certificate revoked") == true)

        var otherCA = self.pki.serverConfiguration()
        otherCA.clientCAPath = self.pki.otherCA.certificatePath.path(percentEncoded: false)
        let foreign = handler.reverifyPeer(against: try TLSContext(server: otherCA))
        #expect(foreign?.reason.contains("unable to get local issuer certificate") == true)
    }
}
