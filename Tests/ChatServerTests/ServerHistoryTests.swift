@testable import ChatServer
import Foundation
import HistoryStore
import Logging
import Testing
import TestSupport
import TLS

/// The history log end to end: what a sender saw echoed is on disk.
@Suite("Server: history")
struct ServerHistoryTests {
    @Test func anEchoedMessageIsInTheLogWithTheMsgidTheSenderSaw() async throws {
        let pki = try TestPKI()
        let data = pki.directory.appending(path: "data")
        var msgid = ""
        try await withTestServer(pki: pki) { server in
            let alice = try await Self.login(server, "alice", caps: "echo-message message-tags")
            let bob = try await server.login("bob")
            try await alice.send("PRIVMSG #lobby :remember this")
            let echo = try await alice.waitForLine { $0.hasSuffix("PRIVMSG #lobby :remember this") }
            msgid = String(try #require(echo.split(separator: " ").first?.split(separator: "=").last))
            try await bob.waitForLine { $0.hasSuffix("PRIVMSG #lobby :remember this") }
        }
        let store = try HistoryStore(configuration: HistoryStoreConfiguration(directory: data)) { _ in }
        let stored = try await store.messages(in: .channel("#lobby"), .latest(after: nil), limit: 10)
        await store.close()
        #expect(stored.map(\.event.text) == ["remember this"])
        #expect(stored.first?.id.description == msgid)
    }

    /// A sender that quits right after sending still gets its acknowledgements, before
    /// its ERROR: the close waits for the disk, the echo never comes before it.
    @Test func quittingRightAfterSendingStillBringsTheEchoFirst() async throws {
        try await withTestServer { server in
            let alice = try await Self.login(server, "alice", caps: "echo-message")
            try await alice.sendRaw(Array("PRIVMSG #lobby :one\r\nPRIVMSG #lobby :two\r\nQUIT :bye\r\n".utf8))
            try await alice.waitFor("ERROR")
            let tail = alice.lines.filter { $0.contains("PRIVMSG #lobby") || $0.hasPrefix("ERROR") }
            #expect(tail.count == 3)
            #expect(tail.first?.hasSuffix("PRIVMSG #lobby one") == true)
            #expect(tail.dropFirst().first?.hasSuffix("PRIVMSG #lobby two") == true)
            #expect(tail.last?.hasPrefix("ERROR :Quit: bye") == true)
        }
    }

    /// What was said before a restart is there after it, through CHATHISTORY.
    @Test func chathistoryAfterARestartReturnsTheLatestMessagesInABatch() async throws {
        let pki = try TestPKI()
        try await withTestServer(pki: pki) { server in
            let alice = try await Self.login(server, "alice", caps: "echo-message")
            for text in ["one", "two", "three"] {
                try await alice.send("PRIVMSG #lobby :\(text)")
                try await alice.waitForLine { $0.hasSuffix("PRIVMSG #lobby \(text)") }
            }
        }
        try await withTestServer(pki: pki) { server in
            let bob = try await Self.login(server, "bob", caps: "batch draft/chathistory message-tags")
            try await bob.send("CHATHISTORY LATEST #lobby * 2")
            let end = try await bob.waitForLine { $0.contains(" BATCH -") }
            let batch = bob.lines.drop { !$0.contains(" BATCH +") }
            #expect(batch.first?.hasSuffix("chathistory #lobby") == true)
            let messages = batch.filter { $0.contains("PRIVMSG #lobby") }
            #expect(messages.count == 2)
            #expect(messages.first?.hasSuffix("PRIVMSG #lobby two") == true)
            #expect(messages.last?.hasSuffix("PRIVMSG #lobby three") == true)
            #expect(messages.allSatisfy { $0.contains("msgid=") && $0.contains(";batch=") || $0.hasPrefix("@batch=") })
            #expect(end.hasSuffix("BATCH -h1"))
        }
    }

    /// Kept for an offline nick, delivered at its next login, and only at that one.
    @Test func anOfflineMessageIsDeliveredOnceAtTheNextLogin() async throws {
        try await withTestServer(allow: ["alice", "bob"]) { server in
            let alice = try await Self.login(server, "alice", caps: "echo-message")
            try await alice.send("PRIVMSG bob :read this when you are back")
            try await alice.waitForLine { $0.contains(" 301 alice bob ") }
            try await alice.waitForLine { $0.hasSuffix("PRIVMSG bob :read this when you are back") }
            let bob = try await server.login("bob")
            try await bob.waitForLine { $0.hasSuffix("PRIVMSG bob :read this when you are back") }
            try await bob.send("QUIT")
            try await bob.waitForClose()
            let again = try await server.login("bob")
            try await again.roundTrip("nothing-more")
            #expect(!again.hasLine { $0.contains("read this when you are back") })
        }
    }

    /// Two devices of the offline nick logging in at once: one of them gets the message,
    /// never both, and no later login gets it again.
    @Test func anOfflineMessageReachesOneOfTwoDevicesLoggingInAtOnce() async throws {
        try await withTestServer(allow: ["alice", "bob"]) { server in
            let alice = try await Self.login(server, "alice", caps: "echo-message")
            try await alice.send("PRIVMSG bob :kept for one device")
            try await alice.waitForLine { $0.hasSuffix("PRIVMSG bob :kept for one device") }
            async let laptop = server.login("bob")
            async let phone = server.login("bob")
            let devices = try await [laptop, phone]
            let received: @Sendable (IRCTestClient) -> Bool = { device in
                device.lines.contains { $0.hasSuffix("PRIVMSG bob :kept for one device") }
            }
            try await waitUntil("one device to get it") { devices.contains(where: received) }
            for device in devices { try await device.roundTrip("settled") }
            let receivers = devices.filter(received)
            #expect(receivers.count == 1)
            let later = try await server.login("bob")
            try await later.roundTrip("nothing-more")
            #expect(!later.hasLine { $0.contains("kept for one device") })
        }
    }

    static func login(_ server: TestServer, _ nick: String, caps: String) async throws -> IRCTestClient {
        let client = try await server.connect(nick)
        try await register(client, nick, caps: caps)
        return client
    }

    /// Requests `caps`, then registers `nick` and waits for 001.
    static func register(_ client: IRCTestClient, _ nick: String, caps: String) async throws {
        try await client.send("CAP REQ :\(caps)")
        try await client.waitForLine { $0.contains("ACK") }
        try await client.sendRegistration(nick: nick, realName: nick)
        try await client.send("CAP END")
        try await client.waitFor("001")
    }

    @Test func anUnusableDataDirectoryStopsTheServerWithTheFix() throws {
        let pki = try TestPKI()
        let blocker = pki.directory.appending(path: "not-a-directory")
        try Data("x".utf8).write(to: blocker)
        var configuration = ServerConfiguration()
        configuration.host = "127.0.0.1"
        configuration.port = 0
        let tls = pki.serverConfiguration()
        configuration.certificatePath = tls.certificatePath
        configuration.privateKeyPath = tls.privateKeyPath
        configuration.clientCAPath = tls.clientCAPath
        let allowlist = AllowlistFile(url: pki.directory.appending(path: "allowlist"), pki: pki)
        try allowlist.write(["alice"])
        configuration.allowlistPath = allowlist.path
        configuration.dataDirectory = blocker.appending(path: "data").path(percentEncoded: false)
        let error = try #require(throws: ConfigurationError.self) {
            _ = try ChatServer(configuration: configuration, logger: .init(label: "test"))
        }
        #expect(error.reason.contains("the data directory \(configuration.resolvedDataDirectory) is not usable"))
        #expect(error.reason.contains("set data_dir (--data-dir), or [history] enabled = false"))
    }
}

/// The disk never holds up the room: with the log's writer stalled, others still get the
/// message at once; only the sender's acknowledgement waits, and a sender with many
/// messages waiting is paused, not dropped.
@Suite("Server: history, slow disk")
struct ServerSlowDiskTests {
    @Test func aStalledWriterDelaysOnlyTheEcho() async throws {
        try await Self.withStalledWriter { history, alice, bob in
            try await alice.send("PRIVMSG #lobby :while the disk is stuck")
            try await bob.waitForLine { $0.hasSuffix("PRIVMSG #lobby :while the disk is stuck") }
            try await alice.roundTrip("the hub answers")
            #expect(!alice.hasLine { $0.hasSuffix("PRIVMSG #lobby :while the disk is stuck") }, "no echo before the disk")
            history.resumeWriter()
            try await alice.waitForLine { $0.hasSuffix("PRIVMSG #lobby :while the disk is stuck") }
        }
    }

    @Test func aSenderWithManyMessagesWaitingIsPausedThenResumed() async throws {
        try await Self.withStalledWriter { history, alice, bob in
            let total = 1_000
            // Up to the hold mark the room gets them at once; then alice is not read.
            for block in 0..<10 {
                let lines = (block * 100..<(block + 1) * 100).map { "PRIVMSG #lobby :n\($0)\r\n" }.joined()
                try await alice.sendRaw(Array(lines.utf8))
                try await Task.sleep(for: .milliseconds(30))
            }
            try await bob.waitForLine { $0.hasSuffix("PRIVMSG #lobby n256") }
            try await Task.sleep(for: .milliseconds(300))
            let seen = bob.lines.filter { $0.contains("PRIVMSG #lobby n") }.count
            #expect(seen < total, "reading stopped while the disk was stuck (bob saw \(seen))")
            #expect(!alice.log.isInactive, "paused, not dropped")
            history.resumeWriter()
            try await bob.waitForLine(timeout: .seconds(20)) { $0.hasSuffix("PRIVMSG #lobby n\(total - 1)") }
            try await alice.waitForLine(timeout: .seconds(20)) { $0.hasSuffix("PRIVMSG #lobby n\(total - 1)") }
        }
    }

    /// A sender that quits while its acknowledgements are owed gets every one before its
    /// ERROR, also when they are stored in separate commits with other traffic between,
    /// and what was answered in the turn it quit comes first.
    @Test func aQuitWaitsForAcknowledgementsStoredInSeveralCommits() async throws {
        try await Self.withStalledWriter { history, alice, bob in
            let before = history.writerProgress.passed
            try await alice.send("PRIVMSG #lobby :one")
            try await bob.waitForLine { $0.hasSuffix("PRIVMSG #lobby one") }
            // The writer holds a batch of just "one"; "two" waits for the next.
            try await waitUntil("the writer to hold \"one\"") { history.writerProgress == (before, true) }
            try await alice.sendRaw(Array("PRIVMSG #lobby :two\r\nPING :owed\r\nQUIT :bye\r\n".utf8))
            try await bob.waitForLine { $0.contains(" QUIT :Quit: bye") }
            history.stepWriter()
            try await waitUntil("the writer to hold \"two\"") { history.writerProgress == (before + 1, true) }
            // The hub sends bob something between the two commits.
            try await bob.roundTrip("between the commits")
            history.resumeWriter()
            try await alice.waitFor("ERROR")
            let tail = alice.lines.filter { $0.contains("PRIVMSG #lobby") || $0.contains(" PONG ") || $0.hasPrefix("ERROR") }
            #expect(tail.map { $0.split(separator: " ").dropFirst().joined(separator: " ") } == [
                "PONG test.securechat owed", "PRIVMSG #lobby one", "PRIVMSG #lobby two", ":Quit: bye",
            ], "\(alice.lines)")
        }
    }

    /// Runs `body` on a server without flood control, with alice (echo-message) and bob
    /// logged in and the history log's writer suspended.
    static func withStalledWriter(_ body: (HistoryStore, IRCTestClient, IRCTestClient) async throws -> Void) async throws {
        try await withTestServer(configure: Self.noFlood) { server in
            let history = try #require(server.server.history)
            let alice = try await ServerHistoryTests.login(server, "alice", caps: "echo-message")
            let bob = try await server.login("bob")
            history.suspendWriter()
            try await body(history, alice, bob)
        }
    }

    static func noFlood(_ configuration: inout ServerConfiguration) {
        configuration.limits.floodBurst = 1_000_000
        configuration.limits.floodRate = 1_000_000
    }
}
