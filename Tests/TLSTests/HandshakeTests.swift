import Foundation
import NIOCore
import Testing
import TestSupport
import TLS

/// Mutual TLS over real loopback sockets.
@Suite("Handshakes over loopback")
struct HandshakeTests {
    let pki: TestPKI
    init() throws { self.pki = try TestPKI() }

    // MARK: success

    @Test func mutualHandshakeExposesBothIdentities() async throws {
        let serverInfo = try self.pki.server.info()
        let alice = try self.pki.client("alice")
        try await withTLSServer(context: try self.pki.serverContext()) { server in
            let client = try await TLSTestClient(port: server.port, context: try self.pki.clientContext("alice"))
            let seenByClient = try await client.log.waitForHandshake()
            let seenByServer = try await server.connection().waitForHandshake()
            #expect(seenByClient.certificate == serverInfo)
            #expect(seenByClient.verification == .pinned)
            #expect(seenByServer.certificate == (try alice.info()))
            #expect(seenByServer.certificate.commonName == "alice")
            #expect(seenByServer.verification == .chainVerified)
            #expect(seenByServer.protocolVersion == "TLSv1.3")
            #expect(seenByClient.cipher.hasPrefix("TLS_"))
            try await client.channel.close()
        }
    }

    @Test(arguments: [
        ("both pin kinds", true, true),
        ("certificate pin", true, false),
        ("public-key pin", false, true),
    ])
    func pinnedServerIsAccepted(label: String, certificatePin: Bool, keyPin: Bool) async throws {
        let info = try self.pki.server.info()
        var pins: [Fingerprint] = []
        if certificatePin { pins.append(info.fingerprint) }
        if keyPin { pins.append(info.publicKeyFingerprint) }
        let context = try TLSContext(client: self.pki.clientConfiguration(try self.pki.client("alice"), pins: pins))
        try await withTLSServer(context: try self.pki.serverContext()) { server in
            let client = try await TLSTestClient(port: server.port, context: context)
            #expect(try await client.log.waitForHandshake().verification == .pinned)
            try await client.channel.close()
        }
    }

    @Test(arguments: ["localhost", "127.0.0.1"])
    func serverVerifiedByCAAndName(name: String) async throws {
        let context = try TLSContext(client: self.pki.clientConfiguration(try self.pki.client("alice"), verifyByCA: true))
        try await withTLSServer(context: try self.pki.serverContext()) { server in
            let client = try await TLSTestClient(port: server.port, context: context, serverName: name)
            #expect(try await client.log.waitForHandshake().verification == .chainVerified)
            try await client.channel.close()
        }
    }

    @Test func revocationListLetsUnrevokedClientsIn() async throws {
        let crl = try self.pki.ca.writeCRL(revoking: [try self.pki.client("mallory")])
        try await withTLSServer(context: try self.pki.serverContext(crl: crl)) { server in
            let client = try await TLSTestClient(port: server.port, context: try self.pki.clientContext("alice"))
            try await client.send(Array("hello".utf8))
            #expect(try await client.log.waitForBytes(5) == Array("hello".utf8))
            try await client.channel.close()
        }
    }

    // MARK: data

    @Test(arguments: [1, 100, 16_384, 16_385, 1 << 20])
    func payloadRoundTripsBothWays(size: Int) async throws {
        let payload = (0..<size).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }
        try await withTLSServer(context: try self.pki.serverContext()) { server in
            let client = try await TLSTestClient(port: server.port, context: try self.pki.clientContext("alice"))
            try await client.send(payload)
            let echoed = try await client.log.waitForBytes(size, timeout: .seconds(30))
            #expect(echoed.count == size)
            #expect(echoed == payload)
            #expect(try await server.connection().receivedBytes == payload)
            try await client.channel.close()
        }
    }

    @Test func manySmallWritesBeforeOneFlushArriveInOrder() async throws {
        try await withTLSServer(context: try self.pki.serverContext()) { server in
            let client = try await TLSTestClient(port: server.port, context: try self.pki.clientContext("alice"))
            _ = try await client.log.waitForHandshake()
            let channel = client.channel
            try await channel.eventLoop.submit {
                for index in 0..<1000 {
                    channel.write(ByteBuffer(string: "line \(index)\n"), promise: nil)
                }
                channel.flush()
            }.get()
            let all = (0..<1000).flatMap { Array("line \($0)\n".utf8) }
            #expect(try await client.log.waitForBytes(all.count) == all)
            try await client.channel.close()
        }
    }

    @Test func oneByteWritesEachArrive() async throws {
        try await withTLSServer(context: try self.pki.serverContext()) { server in
            let client = try await TLSTestClient(port: server.port, context: try self.pki.clientContext("alice"))
            for byte in Array("one byte at a time".utf8) {
                try await client.send([byte])
            }
            #expect(try await client.log.waitForBytes(18) == Array("one byte at a time".utf8))
            try await client.channel.close()
        }
    }

    @Test func writesBeforeTheHandshakeAreSentAfterIt() async throws {
        try await withTLSServer(context: try self.pki.serverContext()) { server in
            let client = try await TLSTestClient(port: server.port, context: try self.pki.clientContext("alice"))
            // Written at once after connect, long before the handshake can be done.
            try await client.send(Array("early".utf8))
            #expect(try await client.log.waitForBytes(5) == Array("early".utf8))
            try await client.channel.close()
        }
    }

    @Test func cleanCloseSendsCloseNotifyBothWays() async throws {
        try await withTLSServer(context: try self.pki.serverContext()) { server in
            let client = try await TLSTestClient(port: server.port, context: try self.pki.clientContext("alice"))
            _ = try await client.log.waitForHandshake()
            let serverLog = try await server.connection()
            _ = try await serverLog.waitForHandshake()
            try await client.channel.close()
            try await serverLog.waitForInactive()
            #expect(serverLog.firstTLSError == nil)
            #expect(client.log.firstTLSError == nil)
        }
    }

    @Test func halfCloseLetsTheServerAnswerAfterTheClientIsDone() async throws {
        try await withTLSServer(context: try self.pki.serverContext(), allowHalfClosure: true) { server in
            let client = try await TLSTestClient(port: server.port, context: try self.pki.clientContext("alice"))
            try await client.send(Array("request".utf8))
            _ = try await client.log.waitForBytes(7)
            try await client.channel.close(mode: .output)
            let serverLog = try await server.connection()
            try await serverLog.wait(for: "input closed") { log in
                log.all.contains { if case .inputClosed = $0 { true } else { false } }
            }
            #expect(serverLog.firstTLSError == nil)
            try await client.channel.close()
        }
    }

    // MARK: failures, each with its specific error

    @Test func clientWithoutCertificateIsRefused() async throws {
        let context = try TLSContext(client: self.pki.clientConfiguration(nil, pins: [try self.pki.server.info().publicKeyFingerprint]))
        try await withTLSServer(context: try self.pki.serverContext()) { server in
            let client = try await TLSTestClient(port: server.port, context: context)
            client.channel.writeAndFlush(ByteBuffer(string: "let me in"), promise: nil)
            let serverError = try await server.connection().waitForError()
            #expect(serverError.code == .certificateRequired)
            // TLS 1.3: the client learns of the refusal only after its side finished.
            let clientError = try await client.log.waitForError()
            #expect(clientError.code == .rejectedByPeer)
            #expect(clientError.reason.contains("certificate required"))
            #expect(try await server.connection().receivedBytes.isEmpty)
        }
    }

    /// Client certificates the server's verification refuses.
    enum RefusedClient: Sendable {
        /// Issued by a CA the server does not trust.
        case fromAnotherCA
        case expired
        /// mallory's, listed in the server's CRL.
        case revoked
    }

    /// The server names the refused certificate (CN and fingerprint) and OpenSSL's reason;
    /// the client is told by the server's alert.
    @Test(arguments: [
        (RefusedClient.fromAnotherCA, "unable to get local issuer certificate", "unknown ca"),
        (.expired, "certificate has expired", "certificate expired"),
        (.revoked, "certificate revoked", "certificate revoked"),
    ])
    func refusedClientCertificateIsNamedByTheServer(
        _ refused: RefusedClient, serverReason: String, clientReason: String
    ) async throws {
        let identity: TestIdentity
        var crl: URL?
        switch refused {
        case .fromAnotherCA: identity = try self.pki.foreignClient()
        case .expired: identity = try self.pki.expiredClient()
        case .revoked:
            identity = try self.pki.client("mallory")
            crl = try self.pki.ca.writeCRL(revoking: [identity])
        }
        let info = try identity.info()
        let context = try TLSContext(client: self.pki.clientConfiguration(identity, pins: [try self.pki.server.info().publicKeyFingerprint]))
        try await withTLSServer(context: try self.pki.serverContext(crl: crl)) { server in
            let client = try await TLSTestClient(port: server.port, context: context)
            let serverError = try await server.connection().waitForError()
            #expect(serverError.code == .certificateRejected)
            #expect(serverError.reason.contains(serverReason))
            #expect(serverError.reason.contains("CN=\(info.commonName ?? "") \(info.fingerprint)"))
            let clientError = try await client.log.waitForError()
            #expect(clientError.code == .rejectedByPeer)
            #expect(clientError.reason.contains(clientReason))
        }
    }

    @Test(arguments: [Fingerprint.Kind.certificate, .publicKey])
    func pinMismatchFailsBeforeAnyApplicationByte(kind: Fingerprint.Kind) async throws {
        // Pin a different certificate's key or fingerprint.
        let other = try self.pki.client("not-the-server").info()
        let wrongPin = kind == .certificate ? other.fingerprint : other.publicKeyFingerprint
        let presented = try self.pki.server.info()
        let context = try TLSContext(client: self.pki.clientConfiguration(try self.pki.client("alice"), pins: [wrongPin]))
        try await withTLSServer(context: try self.pki.serverContext()) { server in
            let client = try await TLSTestClient(port: server.port, context: context)
            // Queued at once; must never leave the client.
            client.channel.writeAndFlush(ByteBuffer(string: "secret"), promise: nil)
            let error = try await client.log.waitForError()
            #expect(error.code == .pinMismatch)
            #expect(error.reason.contains("expected \(wrongPin)"))
            #expect(error.reason.contains("presented \(presented.publicKeyFingerprint)"))
            #expect(error.reason.contains(presented.fingerprint.description))
            #expect(client.log.peerIdentity == nil)
            let serverLog = try await server.connection()
            try await serverLog.waitForInactive()
            #expect(serverLog.receivedBytes.isEmpty)
            #expect(serverLog.peerIdentity == nil)
        }
    }

    @Test(arguments: [("wrong.example", "hostname mismatch"), ("127.0.0.2", "IP address mismatch")])
    func serverNameMismatchWhenVerifyingByCA(name: String, expected: String) async throws {
        let context = try TLSContext(client: self.pki.clientConfiguration(try self.pki.client("alice"), verifyByCA: true))
        try await withTLSServer(context: try self.pki.serverContext()) { server in
            let client = try await TLSTestClient(port: server.port, context: context, serverName: name)
            let error = try await client.log.waitForError()
            #expect(error.code == .certificateRejected)
            #expect(error.reason.contains(expected))
        }
    }

    @Test func serverFromAnotherCAFailsVerificationByCA() async throws {
        var configuration = self.pki.clientConfiguration(try self.pki.client("alice"), verifyByCA: true)
        configuration.trustRootsPath = self.pki.otherCA.certificatePath.path(percentEncoded: false)
        let context = try TLSContext(client: configuration)
        try await withTLSServer(context: try self.pki.serverContext()) { server in
            let client = try await TLSTestClient(port: server.port, context: context)
            let error = try await client.log.waitForError()
            #expect(error.code == .certificateRejected)
            #expect(error.reason.contains("unable to get local issuer certificate"))
        }
    }
}
