import Foundation
import GRDB
import HistoryStore
import Testing
import TestSupport

/// `securechat-server history export | purge` run as an operator runs them, against a
/// data directory a HistoryStore filled in the test.
@Suite("securechat-server history", .timeLimit(.minutes(1)))
struct HistoryCommandTests {
    /// 2025-12-31T23:00:00.000Z: before the `--since` of the tests.
    static let lastYear: Int64 = 1_767_222_000_000
    /// 2026-01-02T03:04:05.000Z.
    static let thisYear: Int64 = 1_767_323_045_000

    /// A data directory holding a history log: #ops before and after New Year, #dev,
    /// and alice's private conversation with bob, with mallory speaking everywhere.
    static func filledDataDirectory() async throws -> URL {
        let directory = try makeTemporaryDirectory(prefix: "history-data")
        let store = try HistoryStore(configuration: HistoryStoreConfiguration(directory: directory), onBatch: { _ in })
        func message(_ text: String, from nick: String, to target: HistoryTarget, at time: Int64) -> HistoryEvent {
            HistoryEvent(
                time: time, kind: .privmsg, source: "\(nick)!\(nick.lowercased())@host", senderKey: nick.lowercased(),
                target: target, text: text)
        }
        let ops = HistoryTarget.channel(key: "#ops", display: "#Ops")
        for event in [
            message("old news", from: "alice", to: ops, at: Self.lastYear),
            message("deployed \"v2\"", from: "alice", to: ops, at: Self.thisYear),
            message("spam", from: "Mallory", to: ops, at: Self.thisYear + 1),
            message("elsewhere", from: "bob", to: .channel(key: "#dev", display: "#dev"), at: Self.thisYear + 2),
            message("psst", from: "alice", to: .user(key: "bob", display: "bob"), at: Self.thisYear + 3),
            message("dm spam", from: "mallory", to: .user(key: "bob", display: "bob"), at: Self.thisYear + 4),
        ] {
            store.append(event)
        }
        await store.close()
        return directory
    }

    static func run(_ arguments: [String]) async throws -> CommandResult {
        try await ServerProcess.run(["history"] + arguments)
    }

    static func objects(_ text: String) throws -> [[String: String]] {
        try text.split(separator: "\n").map { line in
            try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: String], "not a JSON line: \(line)")
        }
    }

    @Test func exportWritesAChannelSinceATimeToAPrivateFile() async throws {
        let data = try await Self.filledDataDirectory()
        defer { removeTemporaryDirectory(data) }
        let output = data.appending(path: "ops.jsonl").path(percentEncoded: false)
        let exit = try await Self.run([
            "export", "--data-dir", data.path(percentEncoded: false), "--since", "2026-01-01T00:00:00Z",
            "--target", "#OPS", "--output", output,
        ])
        #expect(exit.status == 0, "\(exit)")
        #expect(exit.stdout.isEmpty)
        #expect(exit.stderr == "exported 2 messages of #OPS since 2026-01-01T00:00:00.000Z to \(output)\n")

        let lines = try Self.objects(try String(contentsOfFile: output, encoding: .utf8))
        #expect(lines.map { $0["text"] } == ["deployed \"v2\"", "spam"])
        let first = try #require(lines.first)
        #expect(first["time"] == "2026-01-02T03:04:05.000Z")
        #expect(first["from"] == "alice!alice@host" && first["target"] == "#Ops")
        #expect(first["msgid"].flatMap(MessageID.init) != nil)
        let mode = try FileManager.default.attributesOfItem(atPath: output)[.posixPermissions] as? Int
        #expect(mode == 0o600)
    }

    @Test func exportFindsTheDataDirectoryInTheConfigurationAndWritesAPrivateConversation() async throws {
        let data = try await Self.filledDataDirectory()
        defer { removeTemporaryDirectory(data) }
        // data_dir relative to the file, as serve reads it.
        let config = data.appending(path: "server.toml")
        try Data("data_dir = \".\"\n".utf8).write(to: config)
        let exit = try await Self.run(["export", "--config", config.path(percentEncoded: false), "--target", "Bob,alice"])
        #expect(exit.status == 0, "\(exit)")
        #expect(try Self.objects(exit.stdout).map { $0["text"] } == ["psst"])
        #expect(exit.stderr == "exported 1 message of Bob,alice\n")
    }

    @Test func purgeDeletesWhatANickSentEverywhere() async throws {
        let data = try await Self.filledDataDirectory()
        defer { removeTemporaryDirectory(data) }
        let path = data.path(percentEncoded: false)
        let exit = try await Self.run(["purge", "--data-dir", path, "--nick", "MALLORY"])
        #expect(exit.status == 0, "\(exit)")
        #expect(exit.stdout == "deleted 2 messages sent by MALLORY from \(data.appending(path: "history.sqlite").path(percentEncoded: false))\n")

        let again = try await Self.run(["purge", "--data-dir", path, "--nick", "mallory"])
        #expect(again.stdout.hasPrefix("deleted 0 messages"))
        let export = try await Self.run(["export", "--data-dir", path, "--target", "#ops"])
        #expect(try Self.objects(export.stdout).map { $0["text"] } == ["old news", "deployed \"v2\""])
        let direct = try await Self.run(["export", "--data-dir", path, "--target", "alice,bob"])
        #expect(try Self.objects(direct.stdout).map { $0["text"] } == ["psst"])
    }

    /// What an operator gets wrong, and the one line that says so.
    enum Mistake: String, CaseIterable, Sendable, CustomTestStringConvertible {
        case missingDirectory, directoryWithoutHistory, newerSchema, badTime, badTarget, badNick
        var testDescription: String { self.rawValue }
    }

    @Test(arguments: Mistake.allCases)
    func mistakesAreOneLineAndAFailure(_ mistake: Mistake) async throws {
        let data = try await Self.filledDataDirectory()
        defer { removeTemporaryDirectory(data) }
        let path = data.path(percentEncoded: false)
        let arguments: [String]
        let expected: [String]
        switch mistake {
        case .missingDirectory:
            let missing = path + "/no-such-dir"
            arguments = ["export", "--data-dir", missing, "--target", "#ops"]
            expected = [missing, "does not exist", "--data-dir"]
        case .directoryWithoutHistory:
            let empty = data.appending(path: "empty")
            try FileManager.default.createDirectory(at: empty, withIntermediateDirectories: false)
            arguments = ["purge", "--data-dir", empty.path(percentEncoded: false), "--nick", "mallory"]
            expected = ["no history.sqlite"]
        case .newerSchema:
            let queue = try DatabaseQueue(path: data.appending(path: "history.sqlite").path(percentEncoded: false))
            try await queue.write { db in
                try db.execute(sql: "INSERT INTO grdb_migrations (identifier) VALUES ('v9-from-the-future')")
            }
            try queue.close()
            arguments = ["purge", "--data-dir", path, "--nick", "mallory"]
            expected = ["newer SecureChat", "v9-from-the-future"]
        case .badTime:
            arguments = ["export", "--data-dir", path, "--target", "#ops", "--since", "last tuesday"]
            expected = ["--since last tuesday", "2026-01-01T00:00:00Z"]
        case .badTarget:
            arguments = ["export", "--data-dir", path, "--target", "ops"]
            expected = ["--target ops", "'#ops'", "'alice,bob'"]
        case .badNick:
            arguments = ["purge", "--data-dir", path, "--nick", "#ops"]
            expected = ["--nick #ops", "not a nickname"]
        }
        let exit = try await Self.run(arguments)
        #expect(exit.status != 0 && !exit.bySignal, "\(exit)")
        let lines = exit.stderr.trimmingCharacters(in: .newlines).split(separator: "\n")
        #expect(lines.count == 1 && exit.stderr.hasPrefix("Error: "), "\(exit.stderr)")
        for part in expected {
            #expect(exit.stderr.contains(part), "\"\(part)\" missing in: \(exit.stderr)")
        }
        #expect(!exit.stderr.contains("Usage:"))
        // Nothing was deleted on the way to the error.
        if mistake != .newerSchema {
            let export = try await Self.run(["export", "--data-dir", path, "--target", "#ops"])
            #expect(try Self.objects(export.stdout).count == 3)
        }
        #expect(!FileManager.default.fileExists(atPath: path + "/no-such-dir"), "a mistyped directory is not created")
    }
}
