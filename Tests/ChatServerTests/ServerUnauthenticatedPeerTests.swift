import ChatServer
import NIOCore
import NIOPosix
import Testing
import TestSupport

/// Peers that never finish a handshake cost the server a bounded share: they cannot hold
/// the slots of those who log in, nor fill its log.
@Suite("Server: unauthenticated peers")
struct ServerUnauthenticatedPeerTests {
    @Test func silentConnectionsNeverCrowdOutALogin() async throws {
        try await withTestServer(configure: { $0.limits.maxConnections = 300 }) { server in
            var silent: [any Channel] = []
            // Every slot taken by connections that never send a byte, from eight addresses,
            // and more of them before each login.
            for (round, nick) in ["alice", "bob", "carol"].enumerated() {
                for index in 0..<(round == 0 ? 300 : 100) {
                    silent.append(try await Self.silentConnection(port: server.port, from: "127.0.0.\(2 + index % 8)"))
                }
                let client = try await server.login(nick)
                try await client.roundTrip()
                await client.close()
            }
            for channel in silent { try? await channel.close() }
        }
    }

    @Test func refusalsOfPeersWithoutACertificateAreNotLoggedOneByOne() async throws {
        let log = CapturedLog()
        try await withTestServer(log: log, configure: { $0.limits.refusalLogWindow = .seconds(1) }) { server in
            let start = ContinuousClock.now
            for _ in 0..<300 {
                let peer = try await ServerRobustnessTests.rawConnect(port: server.port, send: "GET / HTTP/1.1\r\n\r\n")
                try await peer.waitForInactive()
            }
            // A certificate holder who is refused is still named, after that flood.
            let dave = try await server.connect("dave")
            try await dave.waitForClose()
            let messages = log.messages
            #expect(Self.count(messages, startingWith: "refused certificate not in the allowlist") == 1)
            let oneByOne = Self.count(messages, startingWith: "TLS: the peer does not speak TLS")
            // 20 a window of one second.
            let windows = Int((ContinuousClock.now - start).components.seconds) + 2
            #expect(oneByOne <= 20 * windows, "\(oneByOne) refusals were logged one by one in \(windows - 1) s")
            // The rest are summed up once their window ends.
            let deadline = ContinuousClock.now + .seconds(10)
            while Self.count(log.messages, startingWith: "… and ") == 0, ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(50))
            }
            #expect(Self.count(log.messages, startingWith: "… and ") >= 1)
        }
    }

    /// How many of `messages` start with `prefix`.
    static func count(_ messages: [String], startingWith prefix: String) -> Int {
        var count = 0
        for message in messages where message.hasPrefix(prefix) { count += 1 }
        return count
    }

    /// A TCP connection from `address` (a loopback address) that sends nothing.
    static func silentConnection(port: Int, from address: String) async throws -> any Channel {
        try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .bind(to: try SocketAddress(ipAddress: address, port: 0))
            .connect(host: "127.0.0.1", port: port)
            .get()
    }
}
