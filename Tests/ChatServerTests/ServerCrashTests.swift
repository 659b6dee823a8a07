import Foundation
import HistoryStore
import TLS
import TestSupport
import Testing

/// Acknowledged means durable: a server killed with SIGKILL while a client sends has, on
/// disk, every message whose echo the client saw, each once.
@Suite("Server: crash")
struct ServerCrashTests {
    @Test(.timeLimit(.minutes(2)))
    func everyEchoedMessageSurvivesSIGKILLExactlyOnce() async throws {
        let files = try ServerFiles()
        let config = try files.write("server.toml", "[limits]\nflood_burst = 1000000\nflood_rate = 1000000\n")
        let server = try ServerProcess.start(files.arguments([:], ["--config", config]))
        let port = try await server.listeningPort()
        let alice = try await IRCTestClient(port: port, context: try files.pki.clientContext("alice"))
        try await ServerHistoryTests.register(alice, "alice", caps: "echo-message message-tags")

        // 2,000 messages in blocks; the server is killed once a few hundred were echoed.
        let total = 2_000
        var sent = 0
        while sent < total {
            let block = (sent..<min(sent + 100, total)).map { "PRIVMSG #lobby :m\($0)\r\n" }.joined()
            try? await alice.sendRaw(Array(block.utf8))
            sent += 100
            if Self.echoedIDs(alice).count >= 300 { break }
            try await Task.sleep(for: .milliseconds(5))
        }
        server.send(SIGKILL)
        _ = try await server.waitForExit(timeout: .seconds(10))
        try await alice.waitForClose(timeout: .seconds(10))
        let echoed = Self.echoedIDs(alice)
        #expect(echoed.count >= 1, "the client saw echoes before the kill")

        let store = try HistoryStore(
            configuration: HistoryStoreConfiguration(directory: files.directory.appending(path: "data"))
        ) { _ in }
        let export = files.directory.appending(path: "lobby.jsonl")
        _ = try await store.export(.channel("#lobby"), since: 0, to: export)
        await store.close()
        let stored = try String(contentsOf: export, encoding: .utf8).split(separator: "\n").compactMap { line in
            (try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])?["msgid"] as? String
        }
        #expect(Set(stored).count == stored.count, "no message is stored twice")
        let missing = Set(echoed).subtracting(stored)
        #expect(missing.isEmpty, "\(missing.count) of \(echoed.count) echoed messages are not on disk")
    }

    /// The msgids of the client's own messages that came back to it.
    static func echoedIDs(_ client: IRCTestClient) -> [String] {
        client.lines.compactMap { line in
            guard line.hasPrefix("@"), line.contains(" :alice!"), line.contains(" PRIVMSG #lobby m") else { return nil }
            let tags = line.dropFirst().prefix { $0 != " " }
            return tags.split(separator: ";").first { $0.hasPrefix("msgid=") }.map { String($0.dropFirst(6)) }
        }
    }
}
