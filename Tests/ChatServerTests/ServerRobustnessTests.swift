import ChatServer
import Foundation
import NIOCore
import NIOPosix
import Testing
import TestSupport

/// Limits and hostile or broken peers: none of them may hurt the server or other users.
@Suite("Server: robustness")
struct ServerRobustnessTests {
    @Test(arguments: [1, 2]) func floodIsDelayedNotDropped(ioThreads: Int) async throws {
        try await withTestServer(configure: Self.flood(burst: 5, rate: 20, ioThreads: ioThreads)) { server in
            let alice = try await server.login("alice")
            let start = ContinuousClock.now
            for index in 0..<25 { try await alice.send("PING :flood-\(index)") }
            for index in 0..<25 { try await alice.waitForLine { $0.hasSuffix("flood-\(index)") } }
            // 25 commands, 5 at once, then 20 per second: the last one waits about a second.
            #expect(ContinuousClock.now - start > .milliseconds(700))
            try await alice.roundTrip("after-flood")
        }
    }

    @Test func pasteArrivingAtOnceIsDeliveredInFull() async throws {
        try await withTestServer(configure: Self.flood(burst: 5, rate: 100, disconnectAfter: .milliseconds(200))) { server in
            let alice = try await server.login("alice")
            let start = ContinuousClock.now
            try await alice.sendRaw(Self.lines(100) { "PING :paste-\($0)" })
            // 95 lines wait, at 100 per second: far longer than flood_disconnect_after.
            for index in 0..<100 { try await alice.waitForLine { $0.hasSuffix(" paste-\(index)") } }
            #expect(ContinuousClock.now - start > .milliseconds(800))
            #expect(!alice.hasLine { $0.hasPrefix("ERROR") })
            try await alice.roundTrip("after-paste")
        }
    }

    @Test(arguments: [1, 2]) func clientThatKeepsFloodingIsDisconnected(ioThreads: Int) async throws {
        try await withTestServer(configure: Self.flood(burst: 5, rate: 50, disconnectAfter: .seconds(1), ioThreads: ioThreads)) { server in
            let (alice, bob) = try await server.login("alice", "bob")
            // 50 lines every 20 ms, while the server lets through 50 per second.
            let deadline = ContinuousClock.now + .seconds(10)
            var index = 0
            while !alice.log.isInactive, !alice.hasLine(where: { $0.hasPrefix("ERROR") }), ContinuousClock.now < deadline {
                try? await alice.sendRaw(Self.lines(50, from: index) { "PRIVMSG #lobby :spam \($0)" })
                index += 50
                try await Task.sleep(for: .milliseconds(20))
            }
            let error = try await alice.waitFor("ERROR", timeout: .seconds(5))
            #expect(error.hasPrefix("ERROR :Excess Flood"))
            try await alice.waitForClose()
            try await bob.waitForLine { $0.hasPrefix(":alice!") && $0.contains("QUIT") }
        }
    }

    @Test func floodOfInvalidLinesIsChargedLikeCommands() async throws {
        try await withTestServer(configure: Self.flood(burst: 5, rate: 1, disconnectAfter: .seconds(1))) { server in
            let alice = try await server.login("alice")
            // 5000 lines that are not UTF-8, in one send: each would earn a FAIL.
            try await alice.sendRaw(Array([[UInt8]](repeating: [0xFF, 0x0A], count: 5000).joined()))
            let error = try await alice.waitFor("ERROR", timeout: .seconds(5))
            #expect(error.hasPrefix("ERROR :Excess Flood"))
            #expect(alice.lines.filter { $0.contains("not valid UTF-8") }.count <= 5)
        }
    }

    @Test func sessionClosedWhileHeldBackByFloodControlReadsTheCloseNotify() async throws {
        try await withTestServer(configure: Self.flood(burst: 5, rate: 1)) { server in
            // A client that answers close_notify and leaves closing TCP to the server.
            let alice = try await IRCTestClient(
                port: server.port, context: try server.pki.clientContext("alice"), leavesClosingToPeer: true)
            try await alice.register(nick: "alice")
            try await alice.waitFor("366")
            // Some lines wait, so the server stops reading from alice.
            try await alice.sendRaw(Self.lines(20) { "PING :held-\($0)" })
            try await alice.waitForLine { $0.hasSuffix(" held-0") }
            try server.allowlist.write(["bob"])
            server.server.reload()
            try await alice.waitFor("ERROR")
            let closing = ContinuousClock.now
            try await alice.waitForClose()
            // Not the server's shutdown timeout (3 s): it read alice's close_notify.
            #expect(ContinuousClock.now - closing < .seconds(1))
        }
    }

    @Test(arguments: [1, 2]) func clientThatStopsReadingIsDisconnectedWithoutHurtingOthers(ioThreads: Int) async throws {
        try await withTestServer(configure: {
            $0.limits.ioThreads = ioThreads
            $0.limits.floodBurst = 1_000_000
            $0.limits.floodRate = 1_000_000
            $0.limits.sendQueueBytes = 98_304
        }) { server in
            let (stalled, bob, alice) = try await server.login("carol", "bob", "alice")
            try await stalled.connection.channel.setOption(.autoRead, value: false).get()
            let rssBefore = Self.residentKiB()
            // 20 MB towards a client that reads nothing: far more than socket buffers hold.
            let line = "PRIVMSG #lobby :" + String(repeating: "x", count: 480) + "\r\n"
            let batch = String(repeating: line, count: 100)
            for _ in 0..<400 {
                try await alice.sendRaw(Array(batch.utf8))
                if try await server.server.sessionCount == 2 { break }
            }
            try await bob.waitForLine(timeout: .seconds(20)) { $0.hasPrefix(":carol!") && $0.contains("QUIT :SendQ exceeded") }
            #expect(try await server.server.sessionCount == 2)
            // Bob kept receiving all along.
            try await alice.send("PRIVMSG #lobby :after the stall")
            try await bob.waitForLine(timeout: .seconds(20)) { $0.hasSuffix(":after the stall") }
            #expect(Self.residentKiB() - rssBefore < 200 * 1024)
        }
    }

    @Test func registrationTimesOut() async throws {
        try await withTestServer(configure: { $0.limits.registrationTimeout = .seconds(1) }) { server in
            let alice = try await server.connect("alice")
            try await alice.send("NICK alice")
            let error = try await alice.waitFor("ERROR", timeout: .seconds(5))
            #expect(error.contains("registration timed out"))
            try await alice.waitForClose()
        }
    }

    @Test func silentClientIsPingedThenDisconnected() async throws {
        try await withTestServer(configure: Self.fastPings) { server in
            let alice = try await server.login("alice")
            try await alice.waitFor("PING", timeout: .seconds(5))
            let error = try await alice.waitFor("ERROR", timeout: .seconds(5))
            #expect(error.contains("Ping timeout"))
        }
    }

    @Test func answeringPingsKeepsTheConnection() async throws {
        try await withTestServer(configure: Self.fastPings) { server in
            let alice = try await server.login("alice")
            for _ in 0..<2 {
                let ping = try await alice.waitFor("PING", timeout: .seconds(5))
                try await alice.send("PONG :" + (ping.split(separator: " ").last.map(String.init) ?? ""))
            }
            // Had the last PONG not counted, the ping timeout would close the connection
            // before the next PING is due; a closed connection ends this wait with an error.
            try await alice.waitFor("PING", timeout: .seconds(5))
        }
    }

    /// The ping timer measures silence: a client typing a long line slowly is not pinged.
    @Test func anyBytesDeferThePing() async throws {
        try await withTestServer(configure: Self.fastPings) { server in
            let alice = try await server.login("alice")
            // A PING typed over 3.2 s, longer than ping_interval and ping_timeout together.
            for piece in ["PI", "NG", " :", "ty", "pe", "d-", "sl", "ow"] {
                try await alice.sendRaw(Array(piece.utf8))
                try await Task.sleep(for: .milliseconds(400))
            }
            #expect(!alice.hasLine { $0.hasPrefix("PING") })
            try await alice.sendRaw(Array("ly\r\n".utf8))
            try await alice.waitForLine { IRCTestClient.command(of: $0) == "PONG" && $0.hasSuffix("typed-slowly") }
        }
    }

    @Test func tooManyLinesBeforeRegistrationDisconnects() async throws {
        try await withTestServer(configure: { $0.limits.maxLinesBeforeRegistration = 5 }) { server in
            let alice = try await server.connect("alice")
            for index in 0..<6 { try? await alice.send("PING :\(index)") }
            let error = try await alice.waitFor("ERROR")
            #expect(error.contains("lines before registration"))
        }
    }

    /// 16 KiB of one line gets one 417 and the connection stays, whether the line arrives
    /// whole or its line end comes in a later read.
    @Test(arguments: [false, true])
    func anOverLongLineGetsOne417HoweverItArrives(lineEndLater: Bool) async throws {
        try await withTestServer { server in
            let alice = try await server.login("alice")
            let line = Array("PRIVMSG #lobby :".utf8) + Array(repeating: UInt8(ascii: "a"), count: 16_384)
            if lineEndLater {
                try await alice.sendRaw(line)
                try await alice.waitFor("417")
                try await alice.sendRaw(Array(repeating: UInt8(ascii: "a"), count: 4096) + Array("\r\n".utf8))
            } else {
                try await alice.sendRaw(line + Array("\r\n".utf8))
                try await alice.waitFor("417")
            }
            try await alice.roundTrip("still-here")
            #expect(alice.lines.filter { IRCTestClient.command(of: $0) == "417" }.count == 1)
        }
    }

    @Test func aLineThatNeverEndsWithin64KiBDisconnects() async throws {
        try await withTestServer { server in
            let alice = try await server.login("alice")
            for _ in 0..<20 {
                try? await alice.sendRaw(Array(repeating: UInt8(ascii: "a"), count: 4096))
            }
            let error = try await alice.waitFor("ERROR")
            #expect(error.contains("Closing link: more than 65536 bytes received without a line end"))
            #expect(alice.lines.filter { IRCTestClient.command(of: $0) == "417" }.count == 1)
            try await alice.waitForClose()
        }
    }

    @Test func linesSplitAcrossRecordsOrSharingOneArriveWhole() async throws {
        try await withTestServer { server in
            let (alice, bob) = try await server.login("alice", "bob")
            // One line in three TLS records, then three lines (and an empty one) in one.
            for piece in ["PRIVMSG bob :spl", "it in thr", "ee\r\n"] {
                try await alice.sendRaw(Array(piece.utf8))
                try await Task.sleep(for: .milliseconds(50))
            }
            try await alice.sendRaw(Array("PRIVMSG bob :one\r\n\r\nPRIVMSG bob :two\nPRIVMSG bob :three\r\n".utf8))
            for text in ["split in three", "one", "two", "three"] {
                // A one-word text needs no ':' on the wire.
                try await bob.waitForLine {
                    $0.hasPrefix(":alice!") && ($0.hasSuffix("PRIVMSG bob :\(text)") || $0.hasSuffix("PRIVMSG bob \(text)"))
                }
            }
        }
    }

    @Test func httpRequestIsAnsweredWithOneErrorLine() async throws {
        try await withTestServer { server in
            let client = try await server.connect("alice")
            try await client.send("GET / HTTP/1.1")
            let error = try await client.waitFor("ERROR")
            #expect(error.contains("not a web server"))
            try await client.waitForClose()
        }
    }

    @Test func plaintextClientIsToldToUseTLS() async throws {
        try await withTestServer { server in
            let log = try await Self.rawConnect(port: server.port, send: "NICK alice\r\nUSER a 0 * :A\r\n")
            try await log.waitForInactive()
            let reply = String(decoding: log.receivedBytes, as: UTF8.self)
            #expect(reply.hasPrefix("ERROR :Closing link: this port speaks IRC over TLS only"))
        }
    }

    @Test func connectionsPerAddressAreLimited() async throws {
        try await withTestServer(configure: {
            $0.limits.maxConnectionsPerAddress = 2
            $0.limits.exemptLoopbackFromAddressLimit = false
        }) { server in
            _ = try await server.login("alice")
            _ = try await server.login("bob")
            let third = try await server.connect("carol")
            try await third.waitForClose()
            #expect(third.log.peerIdentity == nil)
        }
    }

    @Test func loopbackCanBeExemptFromTheAddressLimit() async throws {
        try await withTestServer(configure: { $0.limits.maxConnectionsPerAddress = 1 }) { server in
            _ = try await server.login("alice")
            _ = try await server.login("bob")
        }
    }

    // MARK: helpers

    /// Flood control letting `burst` lines through at once, then `rate` per second.
    /// PING after one second of silence, and disconnect one second later.
    static func fastPings(_ configuration: inout ServerConfiguration) {
        configuration.limits.pingInterval = .seconds(1)
        configuration.limits.pingTimeout = .seconds(1)
    }

    static func flood(
        burst: Int,
        rate: Double,
        disconnectAfter: Duration = .seconds(10),
        ioThreads: Int = ServerConfiguration.Limits().ioThreads
    ) -> (inout ServerConfiguration) -> Void {
        { configuration in
            configuration.limits.ioThreads = ioThreads
            configuration.limits.floodBurst = burst
            configuration.limits.floodRate = rate
            configuration.limits.floodDisconnectAfter = disconnectAfter
        }
    }

    /// `count` IRC lines made by `line`, as one block of bytes.
    static func lines(_ count: Int, from first: Int = 0, _ line: (Int) -> String) -> [UInt8] {
        Array((first..<first + count).map { line($0) + "\r\n" }.joined().utf8)
    }

    /// Connects without TLS, sends `text`, and records what comes back.
    static func rawConnect(port: Int, send text: String) async throws -> EventLog {
        let log = EventLog()
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(EventRecorder(log: log))
                }
            }
            .connect(host: "127.0.0.1", port: port)
            .get()
        try await channel.writeAndFlush(ByteBuffer(string: text))
        return log
    }

    static func residentKiB() -> Int {
        let status = (try? String(contentsOfFile: "/proc/self/status", encoding: .utf8)) ?? ""
        for line in status.split(separator: "\n") where line.hasPrefix("VmRSS:") {
            return Int(line.split(separator: " ", omittingEmptySubsequences: true)[1]) ?? 0
        }
        return 0
    }
}
