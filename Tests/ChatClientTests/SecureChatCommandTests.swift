import ChatClient
import Foundation
import TLS
import TestSupport
import Testing

/// Drives the `securechat` executable against an in-process server.
@Suite final class SecureChatCommandTests {
    static let executable = builtExecutable("securechat")

    /// This test's own configuration home (XDG_CONFIG_HOME), removed with the suite instance.
    let home: URL

    init() throws {
        self.home = try makeTemporaryDirectory(prefix: "home")
    }

    deinit {
        removeTemporaryDirectory(self.home)
    }

    /// Runs securechat with its own config home until it exits (30 s at most).
    static func securechat(_ arguments: [String], input: String? = nil, home: URL) async throws -> CommandResult {
        try await Self.start(arguments, input: input, home: home).waitForExit(timeout: .seconds(30))
    }

    /// Starts securechat with its own config home.
    static func start(_ arguments: [String], input: String? = nil, home: URL) throws -> ChildProcess {
        try ChildProcess(
            Self.executable, arguments, input: input.map { Array($0.utf8) },
            environment: ["XDG_CONFIG_HOME": home.path(percentEncoded: false)])
    }

    /// The flags that connect as `nick` to `server`, pinned to its key unless `pin` says otherwise.
    static func flags(_ server: TestServer, _ nick: String, pin: Fingerprint? = nil) throws -> [String] {
        let identity = try server.pki.client(nick)
        return [
            "--server", "127.0.0.1", "--port", String(server.port),
            "--cert", identity.certificatePath.path(percentEncoded: false),
            "--key", identity.keyPath.path(percentEncoded: false),
            "--nick", nick, "--pin", (try pin ?? server.pki.server.info().publicKeyFingerprint).description,
        ]
    }

    /// Connects alice, starts `securechat tail` with `arguments` as bob, and waits until alice
    /// sees bob's tail join #lobby.
    func aliceAndBobsTail(_ arguments: [String], on server: TestServer) async throws -> (ChatConnection, ChildProcess) {
        let alice = try await ChatConnection.connect(try server.clientConfiguration("alice"))
        let events = EventCollector(alice.events)
        let process = try Self.start(["tail"] + arguments + (try Self.flags(server, "bob")), home: self.home)
        do {
            try await events.waitFor("bob's tail in #lobby") { event in
                if case .joined("#lobby", "bob", false) = event { return true }
                return false
            }
        } catch {
            process.send(SIGKILL)
            throw error
        }
        return (alice, process)
    }

    @Test func sendExitsZeroAfterTheServerAcceptedEveryMessage() async throws {
        try await withTestServer { server in
            let bob = try await ChatConnection.connect(try server.clientConfiguration("bob"))
            let events = EventCollector(bob.events)
            let result = try await Self.securechat(
                ["send", "--to", "#lobby"] + Self.flags(server, "alice") + ["deploy", "done"], home: home)
            #expect(result.status == 0, "stderr: \(result.stderr)")
            #expect(result.stderr.isEmpty)

            let piped = try await Self.securechat(
                ["send", "--to", "bob"] + Self.flags(server, "alice"), input: "one\n\ntwo\nthree\n", home: home)
            #expect(piped.status == 0, "stderr: \(piped.stderr)")
            for text in ["deploy done", "one", "two", "three"] {
                try await events.waitFor(text) { event in
                    if case .message(let message) = event { return message.text == text && message.from == "alice" }
                    return false
                }
            }
            #expect(events.messages.first { $0.text == "two" }?.isPrivate == true)
            await bob.quit()
        }
    }

    @Test func sendToUnknownNickExitsOneWithThe401() async throws {
        try await withTestServer { server in
            let result = try await Self.securechat(["send", "--to", "nobody", "hi"] + Self.flags(server, "alice"), home: home)
            #expect(result.status == 1)
            #expect(result.stderr.contains("401"))
            #expect(result.stderr.split(separator: "\n").count == 1, "one line: \(result.stderr)")
        }
    }

    @Test func sendWithUnlistedCertificateExitsOneWithTheAllowlistLine() async throws {
        try await withTestServer(allow: ["alice"]) { server in
            let result = try await Self.securechat(["send", "--to", "#lobby", "hi"] + Self.flags(server, "dave"), home: home)
            #expect(result.status == 1)
            #expect(result.stderr.contains(try server.allowlist.line("dave")))
            #expect(result.stderr.split(separator: "\n").count == 1, "one line: \(result.stderr)")
        }
    }

    @Test func sendWithWrongPinExitsOneNamingBothPins() async throws {
        try await withTestServer { server in
            let wrong = try server.pki.client("mallory").info().publicKeyFingerprint
            let result = try await Self.securechat(
                ["send", "--to", "#lobby", "hi"] + Self.flags(server, "alice", pin: wrong), home: home)
            #expect(result.status == 1)
            #expect(result.stderr.contains(wrong.description))
            #expect(result.stderr.contains(try server.pki.server.info().publicKeyFingerprint.description))
            #expect(result.stderr.split(separator: "\n").count == 1, "one line: \(result.stderr)")
        }
    }

    @Test func sendWithoutPinOrKnownServerRefusesToTrustOnFirstUse() async throws {
        try await withTestServer { server in
            var arguments = ["send", "--to", "#lobby", "hi"] + (try Self.flags(server, "alice"))
            arguments.removeLast(2)  // --pin …
            let result = try await Self.securechat(arguments, home: home)
            #expect(result.status == 1)
            #expect(result.stderr.contains("--pin \(try server.pki.server.info().publicKeyFingerprint)"))
        }
    }

    @Test func usageErrorsExitTwo() async throws {
        let missingTarget = try await Self.securechat(["send", "hi"], home: home)
        #expect(missingTarget.status == 2)
        let badPin = try await Self.securechat(["send", "--to", "bob", "--pin", "nope", "hi"], home: home)
        #expect(badPin.status == 2)
        #expect(badPin.stderr.contains("not a fingerprint"))
    }

    @Test func setupWritesAConfigurationThatSendUses() async throws {
        try await withTestServer { server in
            let setup = try await Self.securechat(["setup"] + Self.flags(server, "alice"), home: home)
            #expect(setup.status == 0, "stderr: \(setup.stderr)")
            let path = home.appending(path: "securechat/config.toml").path(percentEncoded: false)
            #expect(FileManager.default.fileExists(atPath: path))
            let send = try await Self.securechat(["send", "--to", "#lobby", "configured"], home: home)
            #expect(send.status == 0, "stderr: \(send.stderr)")
        }
    }

    @Test func tailPrintsJSONLinesAndExitsZeroOnInterrupt() async throws {
        try await withTestServer { server in
            let (alice, process) = try await self.aliceAndBobsTail(["--private", "#lobby"], on: server)
            try await alice.deliver("tail me", to: "#lobby")
            try await alice.deliver("@bob", to: "bob")
            let deadline = ContinuousClock.now + .seconds(15)
            var text = process.stdout
            while !text.contains("\"text\":\"@bob\""), process.isRunning, ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(20))
                text = process.stdout
            }
            await alice.quit()
            let lines = text.split(separator: "\n")
            let room = try #require(lines.first { $0.contains("\"text\":\"tail me\"") })
            #expect(room.hasPrefix("{\"time\":\""))
            #expect(room.contains("\"room\":\"#lobby\",\"from\":\"alice\",\"text\":\"tail me\",\"private\":false}"))
            let whisper = try #require(lines.first { $0.contains("\"text\":\"@bob\"") })
            #expect(whisper.contains("\"room\":null,\"from\":\"alice\",\"text\":\"@bob\",\"private\":true}"))

            process.send(SIGINT)
            let exit = try await process.waitForExit(timeout: .seconds(10))
            #expect(!exit.bySignal && exit.status == 0, "\(exit)")
        }
    }
}

extension SecureChatCommandTests {
    @Test func interactiveModeReadsPipedLines() async throws {
        try await withTestServer { server in
            let bob = try await ChatConnection.connect(try server.clientConfiguration("bob"))
            let events = EventCollector(bob.events)
            let input = "hello room\n@bob psst\n/dance\n/join #dev\n//slash text\n/help\n/quit bye\n"
            let result = try await Self.securechat(Self.flags(server, "alice"), input: input, home: home)
            #expect(result.status == 0, "stderr: \(result.stderr)")
            #expect(result.stdout.contains("#lobby <alice> hello room"), "stdout: \(result.stdout)")
            #expect(result.stdout.contains("→ bob: psst"))
            #expect(result.stdout.contains("unknown command /dance"))
            #expect(result.stdout.contains("leave a room (default: the current one)"))
            #expect(result.stdout.contains("Ctrl-C"))
            try await events.waitFor("public") { event in
                if case .message(let message) = event { return message.text == "hello room" && message.room == "#lobby" }
                return false
            }
            try await events.waitFor("private") { event in
                if case .message(let message) = event { return message.text == "psst" && message.isPrivate }
                return false
            }
            try await events.waitFor("quit with reason") { event in
                if case .quit("alice", let reason) = event { return reason?.contains("bye") == true }
                return false
            }
            await bob.quit()
        }
    }
}

extension SecureChatCommandTests {
    @Test func forgetRemovesTheKnownServerEntry() async throws {
        let path = home.appending(path: "securechat/known_servers").path(percentEncoded: false)
        let pki = try TestPKI()
        var known = try KnownServers(path: path)
        try known.add("chat.example.com:6697", key: try pki.server.info().publicKeyFingerprint)

        let forget = try await Self.securechat(["forget", "chat.example.com:6697"], home: home)
        #expect(forget.status == 0, "stderr: \(forget.stderr)")
        #expect(try KnownServers(path: path).entry(for: "chat.example.com:6697") == nil)

        let again = try await Self.securechat(["forget", "chat.example.com:6697"], home: home)
        #expect(again.status == 1)
        #expect(again.stderr.contains("has no entry for chat.example.com:6697"))
    }
}

extension SecureChatCommandTests {
    @Test func sendToASilentServerTimesOutWithExitOne() async throws {
        let pki = try TestPKI()
        // Completes the TLS handshake, then never says a word.
        try await withTLSServer(context: try pki.serverContext(), echo: false) { silent in
            let identity = try pki.client("alice")
            let started = ContinuousClock.now
            let result = try await Self.securechat(
                [
                    "send", "--to", "#lobby", "--timeout", "1", "hello",
                    "--server", "127.0.0.1", "--port", String(silent.port),
                    "--cert", identity.certificatePath.path(percentEncoded: false),
                    "--key", identity.keyPath.path(percentEncoded: false),
                    "--nick", "alice", "--pin", try pki.server.info().publicKeyFingerprint.description,
                ], home: home)
            #expect(result.status == 1)
            #expect(result.stderr.contains("did not complete registration"), "stderr: \(result.stderr)")
            // Bounded, not timed: a send that ignored its timeout would wait for the server forever.
            #expect(ContinuousClock.now - started < .seconds(60))
        }
    }
}
