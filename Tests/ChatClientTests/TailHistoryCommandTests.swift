import ChatClient
import Foundation
import TLS
import TestSupport
import Testing

/// `securechat tail --last | --since`: history first, marked, then what follows.
extension SecureChatCommandTests {
    /// The JSON objects `process` printed, once there is one with each of `texts` (10 s at most).
    static func jsonLines(of process: ChildProcess, until texts: String...) async throws -> [[String: Any]] {
        let deadline = ContinuousClock.now + .seconds(10)
        func done() -> Bool {
            let output = process.stdout
            return texts.allSatisfy { output.contains("\"text\":\"\($0)\"") }
        }
        while !done(), process.isRunning, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(20))
        }
        return try process.stdout.split(separator: "\n").map { line in
            try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any], "not JSON: \(line)")
        }
    }

    @Test func tailLastPrintsTheRoomsLatestAsHistoryThenFollows() async throws {
        let home = try makeTemporaryDirectory(prefix: "home")
        defer { removeTemporaryDirectory(home) }
        try await withTestServer { server in
            let alice = try await ChatConnection.connect(try server.clientConfiguration("alice"), rooms: ["#dev"])
            for text in ["one", "two", "three"] { try await alice.deliver(text, to: "#dev") }
            let events = EventCollector(alice.events)
            let process = try Self.start(["tail", "--last", "2", "#dev"] + (try Self.flags(server, "bob")), home: home)
            try await events.waitFor("bob's tail in #dev") { event in
                if case .joined("#dev", "bob", false) = event { return true }
                return false
            }
            _ = try await Self.jsonLines(of: process, until: "three")
            try await alice.deliver("four", to: "#dev")
            let lines = try await Self.jsonLines(of: process, until: "four")
            await alice.quit()
            process.send(SIGINT)
            let exit = try await process.waitForExit(timeout: .seconds(10))
            #expect(!exit.bySignal && exit.status == 0, "\(exit)")

            #expect(lines.map { $0["text"] as? String } == ["two", "three", "four"], "\(lines)")
            #expect(lines.map { $0["history"] as? Bool } == [true, true, nil])
            #expect(lines.allSatisfy { ($0["msgid"] as? String)?.isEmpty == false })
            #expect(Set(lines.compactMap { $0["msgid"] as? String }).count == 3)
        }
    }

    @Test func tailSincePrintsRoomsAndPrivateConversationsSinceThen() async throws {
        let home = try makeTemporaryDirectory(prefix: "home")
        defer { removeTemporaryDirectory(home) }
        try await withTestServer { server in
            let alice = try await ChatConnection.connect(try server.clientConfiguration("alice"))
            try await alice.deliver("in the lobby", to: "#lobby")
            try await alice.deliver("just for carol", to: "carol")
            let process = try Self.start(["tail", "--since", "1h"] + (try Self.flags(server, "carol")), home: home)
            let lines = try await Self.jsonLines(of: process, until: "in the lobby", "just for carol")
            await alice.quit()
            process.send(SIGINT)
            _ = try await process.waitForExit(timeout: .seconds(10))

            let lobby = try #require(lines.first { $0["text"] as? String == "in the lobby" }, "\(lines)")
            #expect(lobby["history"] as? Bool == true && lobby["room"] as? String == "#lobby")
            let whisper = try #require(lines.first { $0["text"] as? String == "just for carol" }, "\(lines)")
            #expect(whisper["private"] as? Bool == true && whisper["from"] as? String == "alice")
            // Kept for carol while she was offline (delivered at login as it was sent) and
            // found again by CHATHISTORY: printed once, whichever came first.
            #expect(lines.filter { $0["text"] as? String == "just for carol" }.count == 1, "\(lines)")
        }
    }

    @Test(arguments: [["--since", "yesterday"], ["--since", "2026-13-01"], ["--last", "0"], ["--last", "5", "--since", "1h"]])
    func tailRefusesABadHistoryOption(_ option: [String]) async throws {
        let home = try makeTemporaryDirectory(prefix: "home")
        defer { removeTemporaryDirectory(home) }
        let result = try await Self.securechat(["tail"] + option + ["#dev"], home: home)
        #expect(result.status == 2, "\(result)")
        #expect(result.stderr.contains(option[0]) || result.stderr.contains("--last"), "\(result.stderr)")
    }
}

extension SecureChatCommandTests {
    @Test func tailOfANamedRoomLeavesPrivateMessagesOutUnlessAsked() async throws {
        try await withTestServer { server in
            let (alice, process) = try await self.aliceAndBobsTail(["#lobby"], on: server)
            try await alice.deliver("only for bob", to: "bob")
            try await alice.deliver("for the room", to: "#lobby")
            let deadline = ContinuousClock.now + .seconds(15)
            while !process.stdout.contains("for the room"), process.isRunning, ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(20))
            }
            #expect(process.stdout.contains("\"text\":\"for the room\""))
            #expect(!process.stdout.contains("only for bob"))
            process.send(SIGINT)
            let exit = try await process.waitForExit(timeout: .seconds(10))
            #expect(!exit.bySignal && exit.status == 0, "\(exit)")
            await alice.quit()
        }
    }
}

extension SecureChatCommandTests {
    @Test func tailSaysEachRetryInWordsAndCtrlCDuringTheBackoffExitsZero() async throws {
        let pki = try TestPKI()
        let server = try await TestServer.start(pki: pki, allow: ["alice", "bob"])
        let (alice, process) = try await self.aliceAndBobsTail(["#lobby"], on: server)
        defer { if process.isRunning { process.send(SIGKILL) } }
        await alice.quit()
        try await server.stop()
        let retry = try await process.waitForStderr(containing: "connection refused; retrying in", timeout: .seconds(30))
        let lines = retry.split(separator: "\n")
        #expect(lines.contains { $0.hasPrefix("cannot reach 127.0.0.1:\(server.port): connection refused; retrying in ") && $0.hasSuffix(" (attempt 2)") },
                "\(retry)")
        #expect(!retry.contains("errno") && !retry.contains("SingleConnectionFailure"))
        process.send(SIGINT)
        let exit = try await process.waitForExit(timeout: .seconds(10))
        #expect(!exit.bySignal && exit.status == 0, "\(exit)")
        #expect(exit.stderr.hasSuffix("\n"), "every line ended: \(exit.stderr)")
    }
}
