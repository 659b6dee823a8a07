import Foundation
import IRC
import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOEmbedded
import Testing
import TestSupport
import TLS

@testable import ChatServer

/// A hub and one session on back-to-back in-memory channels, so that a TLS reload can
/// land at an exact point of a handshake.
@Suite("Hub: TLS reload")
struct HubTLSReloadTests {
    let pki: TestPKI
    init() throws { self.pki = try TestPKI() }

    @Test func handshakeBegunBeforeAReloadIsCheckedAgainstTheNewCRL() throws {
        let before = try self.pki.serverContext()
        let pair = try TLSChannelPair(clientContext: try self.pki.clientContext("alice"), serverContext: before)
        let allowlist = try Allowlist(parsing: "alice \(try self.pki.client("alice").info().fingerprint)\n", path: "allowlist")
        var logger = Logger(label: "test-hub")
        logger.logLevel = .critical
        let context = NIOLockedValueBox(before)
        let gate = ConnectionGate(limits: ServerConfiguration.Limits(), logger: logger)
        let connectionID = try #require(gate.enter(pair.server, address: "192.0.2.1"))
        let hub = NIOLoopBoundBox(
            Hub(
                loop: pair.loop,
                configuration: ServerConfiguration(),
                hubConfiguration: HubConfiguration(),
                allowlist: allowlist,
                tlsContext: context,
                gate: gate,
                logger: logger
            ),
            eventLoop: pair.loop
        )
        let io = IOLoop(
            eventLoop: pair.loop, index: 0, hub: hub, tlsContext: context, limits: ServerConfiguration.Limits(), gate: gate,
            logger: logger
        )
        let tls = try pair.server.pipeline.syncOperations.handler(type: TLSHandler.self)
        try pair.server.pipeline.syncOperations.addHandler(SessionHandler(io: io, address: "192.0.2.1", connectionID: connectionID), position: .after(tls))

        // ClientHello to the server, its flight back: the client is done, and the server
        // waits for the client's certificate and Finished, under the context it began with.
        try pair.connect()
        try Self.deliver(from: pair.client, to: pair.server, in: pair)
        try Self.deliver(from: pair.server, to: pair.client, in: pair)
        #expect(pair.clientLog.peerIdentity != nil)

        let crl = try self.pki.ca.writeCRL(revoking: [try self.pki.client("alice")])
        hub.value.reloadTLS(try self.pki.serverContext(crl: crl))
        try Self.deliver(from: pair.client, to: pair.server, in: pair)
        // The I/O loop's events reach the hub, its decisions come back: both are loop tasks.
        for _ in 0..<3 {
            pair.loop.run()
            try pair.interact()
        }

        #expect(hub.value.sessionCount == 0)
        let received = String(decoding: pair.clientLog.receivedBytes, as: UTF8.self)
        #expect(received.hasPrefix(":securechat.local FAIL * CERT_REVOKED "))
        #expect(received.contains("\r\nERROR :Closing link: "))
        #expect(received.contains("certificate revoked"))
    }

    private static func deliver(from sender: EmbeddedChannel, to receiver: EmbeddedChannel, in pair: TLSChannelPair) throws {
        for buffer in try pair.takeOutbound(from: sender) { try receiver.writeInbound(buffer) }
    }
}
