@testable import ChatServer
import GRDB
@testable import HistoryStore
import Foundation
import Testing
import TestSupport

/// A disk that refuses writes, end to end: every sender hears which of its messages were
/// not stored, the room is not held up, the log says why, and writes resume once the
/// disk does. SQLite is made to fail as a full disk (a page limit at the file's size)
/// or a read-only file (`query_only`) would: these tests run as root, and file
/// permissions would not stop root.
@Suite("Server: history, failing disk")
struct ServerDiskFailureTests {
    struct Failure: CustomStringConvertible, Sendable {
        let description: String
        /// What the operator reads in the log.
        let reason: String
        let fail: @Sendable (HistoryStore) async throws -> Void
        let undo: String
    }

    static let failures = [
        Failure(description: "full disk", reason: "the disk is full", fail: { store in
            let pages = try await store.read { try Int.fetchOne($0, sql: "PRAGMA page_count") ?? 0 }
            try await store.executeOnWriter("PRAGMA max_page_count = \(pages)")
        }, undo: "PRAGMA max_page_count = 1073741823"),
        Failure(description: "read-only file", reason: "is read-only", fail: { store in
            try await store.executeOnWriter("PRAGMA query_only = ON")
        }, undo: "PRAGMA query_only = OFF"),
    ]

    @Test(arguments: failures)
    func sendersAreToldWhatWasNotStoredAndWritesResume(_ failure: Failure) async throws {
        try await withTestServer(configure: ServerSlowDiskTests.noFlood) { server in
            let history = try #require(server.server.history)
            let alice = try await ServerHistoryTests.login(server, "alice", caps: "echo-message")
            let bob = try await server.login("bob")
            try await alice.send("PRIVMSG #lobby :stored before")
            try await alice.waitForLine { $0.hasSuffix("PRIVMSG #lobby :stored before") }

            try await failure.fail(history)
            let padding = String(repeating: "x", count: 400)
            let count = 40
            let lines = (0..<count).map { "PRIVMSG #lobby :m\($0) \(padding)\r\n" }.joined()
            try await alice.sendRaw(Array(lines.utf8))
            try await bob.waitForLine { $0.contains("PRIVMSG #lobby :m\(count - 1) ") }

            // Each message is answered once: its echo if it was stored, else a FAIL.
            try await waitUntil("an answer to each message") {
                alice.lines.filter { $0.contains("PRIVMSG #lobby :m") || $0.contains(" FAIL PRIVMSG ") }.count == count
            }
            let refusals = alice.lines.filter { $0.contains(" FAIL PRIVMSG MESSAGE_ERROR ") }
            #expect(!refusals.isEmpty, "\(failure): no FAIL")
            #expect(refusals.allSatisfy { $0.hasSuffix(":Your message could not be stored; it was not acknowledged") })
            #expect(server.log.contains("messages not stored, their senders are told"), "\(server.log.messages)")
            #expect(server.log.contains(failure.reason), "\(server.log.messages)")
            let echoed = Set(alice.lines.filter { $0.contains("PRIVMSG #lobby :m") }.compactMap(Self.text))

            try await history.executeOnWriter(failure.undo)
            try await alice.send("PRIVMSG #lobby :stored after")
            try await alice.waitForLine { $0.hasSuffix("PRIVMSG #lobby :stored after") }
            let stored = try await history.messages(in: .channel("#lobby"), .latest(after: nil), limit: 100)
            #expect(stored.first?.event.text == "stored before")
            #expect(stored.last?.event.text == "stored after")
            let between = stored.dropFirst().dropLast().map(\.event.text)
            #expect(Set(between) == echoed, "stored exactly what was echoed")
            #expect(between.count == echoed.count)
        }
    }

    /// The text of a relayed PRIVMSG line.
    static func text(_ line: String) -> String? {
        line.range(of: "PRIVMSG #lobby :").map { String(line[$0.upperBound...]) }
    }
}
