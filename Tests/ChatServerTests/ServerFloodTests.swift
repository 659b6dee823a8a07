import ChatServer
import Testing
import TestSupport

/// Flood control as the README tells it: a paste waits, sustained excess and a backlog
/// over 512 lines disconnect, and lines before registration are counted as they arrive.
@Suite("Server: flood control")
struct ServerFloodTests {
    @Test func tenThousandLinesAtOnceDisconnectAtOnce() async throws {
        let nicks = ["alice", "bob", "carol", "dave", "erin"]
        try await withTestServer(allow: nicks) { server in
            var clients: [IRCTestClient] = []
            for nick in nicks { clients.append(try await server.login(nick)) }
            // Paced at 5 lines a second, these would keep the server busy for half an hour.
            let text = String(repeating: "x", count: 400)
            let flood = ServerRobustnessTests.lines(10_000) { "PRIVMSG #lobby :flood \($0) \(text)" }
            await withTaskGroup(of: Void.self) { group in
                for client in clients { group.addTask { try? await client.sendRaw(flood) } }
            }
            for client in clients {
                let error = try await client.waitFor("ERROR", timeout: .seconds(10))
                #expect(error.hasPrefix("ERROR :Excess Flood"))
                try await client.waitForClose()
            }
        }
    }

    @Test func sendingSlightlyFasterThanTheRateIsDisconnectedAfterFloodDisconnectAfter() async throws {
        // 6 lines per 100 ms against a rate of 50 a second: 1.2 times the rate, as 6 against 5.
        try await withTestServer(configure: ServerRobustnessTests.flood(burst: 5, rate: 50, disconnectAfter: .seconds(1))) { server in
            let alice = try await server.login("alice")
            let deadline = ContinuousClock.now + .seconds(15)
            var index = 0
            while !alice.log.isInactive, !alice.lines.contains(where: { $0.hasPrefix("ERROR") }), ContinuousClock.now < deadline {
                try? await alice.sendRaw(ServerRobustnessTests.lines(6, from: index) { "PING :steady-\($0)" })
                index += 6
                try await Task.sleep(for: .milliseconds(100))
            }
            let error = try await alice.waitFor("ERROR", timeout: .seconds(5))
            #expect(error.hasPrefix("ERROR :Excess Flood"))
        }
    }

    @Test func moreThan1024LinesBeforeRegistrationDisconnectAtOnce() async throws {
        try await withTestServer { server in
            let alice = try await server.connect("alice")
            // Paced at 5 a second these would outlast the 30 s registration timeout.
            try await alice.sendRaw(ServerRobustnessTests.lines(1025) { "PING :early-\($0)" })
            let error = try await alice.waitFor("ERROR", timeout: .seconds(10))
            #expect(error.contains("more than 1024 lines before registration"))
        }
    }

    @Test func pasteOf512WaitingLinesIsDeliveredInFull() async throws {
        try await withTestServer(configure: ServerRobustnessTests.flood(burst: 20, rate: 1000, disconnectAfter: .milliseconds(100))) { server in
            let alice = try await server.login("alice")
            // The burst, then exactly the 512 lines that may wait.
            try await alice.sendRaw(ServerRobustnessTests.lines(532) { "PING :paste-\($0)" })
            try await alice.waitForLine(timeout: .seconds(20)) { $0.hasSuffix(" paste-531") }
            #expect(!alice.lines.contains { $0.hasPrefix("ERROR") })
        }
    }
}
