import ChatClient
import Foundation
import TLS
import TestSupport
import Testing

/// Two users on one machine, and changing only the pin: every hint names the file and a
/// command that works for the profile or --config in use.
extension SecureChatCommandTests {
    var configPath: String { home.appending(path: "securechat/config.toml").path(percentEncoded: false) }

    func profilePath(_ name: String) -> String {
        home.appending(path: "securechat/profiles/\(name)/config.toml").path(percentEncoded: false)
    }

    @Test func aSecondUserGetsAProfileAndTheExistsErrorOffersIt() async throws {
        try await withTestServer { server in
            let alice = try await Self.securechat(["setup"] + Self.flags(server, "alice"), home: home)
            #expect(alice.status == 0, "stderr: \(alice.stderr)")
            let original = try String(contentsOfFile: configPath, encoding: .utf8)

            let again = try await Self.securechat(["setup"] + Self.flags(server, "bob"), home: home)
            #expect(again.status == 1)
            #expect(again.stderr.contains("setup --profile NAME"), "stderr: \(again.stderr)")
            #expect(again.stderr.contains("pin 127.0.0.1:\(server.port) sha256//"))
            #expect(again.stderr.contains(Self.executable), "names the command as it was run")
            #expect(try String(contentsOfFile: configPath, encoding: .utf8) == original, "alice's file is untouched")

            let bob = try await Self.securechat(["setup", "--profile", "bob"] + Self.flags(server, "bob"), home: home)
            #expect(bob.status == 0, "stderr: \(bob.stderr)")
            #expect(bob.stdout.contains(profilePath("bob")))
            #expect(bob.stdout.contains("-p bob") || bob.stdout.contains("--profile bob"))

            let events = EventCollector(try await ChatConnection.connect(try server.clientConfiguration("carol")).events)
            let sent = try await Self.securechat(["send", "-p", "bob", "--to", "#lobby", "from bob"], home: home)
            #expect(sent.status == 0, "stderr: \(sent.stderr)")
            let sentAsAlice = try await Self.securechat(["send", "--to", "#lobby", "from alice"], home: home)
            #expect(sentAsAlice.status == 0, "stderr: \(sentAsAlice.stderr)")
            try await events.waitFor("both") { _ in
                events.messages.contains { $0.from == "bob" && $0.text == "from bob" }
                    && events.messages.contains { $0.from == "alice" && $0.text == "from alice" }
            }

            let missing = try await Self.securechat(["send", "-p", "dave", "--to", "#lobby", "x"], home: home)
            #expect(missing.status == 1)
            #expect(missing.stderr.contains("setup --profile dave"))
            let bad = try await Self.securechat(["send", "-p", "../x", "--to", "#lobby", "x"], home: home)
            #expect(bad.status == 1)
            #expect(bad.stderr.contains("profile name"))
        }
    }

    @Test func aPinMismatchNamesTheFileAndThePinCommandWhichChangesOnlyThePin() async throws {
        try await withTestServer { server in
            let wrong = try server.pki.client("mallory").info().publicKeyFingerprint
            let right = try server.pki.server.info().publicKeyFingerprint
            let setup = try await Self.securechat(
                ["setup", "--profile", "bob", "--room", "#ops"] + Self.flags(server, "bob", pin: wrong), home: home)
            #expect(setup.status == 0, "stderr: \(setup.stderr)")
            let path = profilePath("bob")
            var text = try String(contentsOfFile: path, encoding: .utf8)
            text = "# my comment\n" + text
            try text.write(toFile: path, atomically: true, encoding: .utf8)

            let refused = try await Self.securechat(["send", "-p", "bob", "--to", "#ops", "hi"], home: home)
            #expect(refused.status == 1)
            #expect(refused.stderr.contains(path), "stderr: \(refused.stderr)")
            let command = "pin --profile bob 127.0.0.1:\(server.port) \(right)"
            #expect(refused.stderr.contains(command))
            #expect(refused.stderr.split(separator: "\n").count == 1)

            let wrongServer = try await Self.securechat(["pin", "-p", "bob", "elsewhere:6697", right.description], home: home)
            #expect(wrongServer.status == 1)
            #expect(wrongServer.stderr.contains("is for 127.0.0.1:\(server.port)"))

            let pinned = try await Self.securechat(command.split(separator: " ").map(String.init), home: home)
            #expect(pinned.status == 0, "stderr: \(pinned.stderr)")
            let after = try String(contentsOfFile: path, encoding: .utf8)
            #expect(after == text.replacingOccurrences(of: wrong.description, with: right.description))
            let sent = try await Self.securechat(["send", "-p", "bob", "--to", "#ops", "hi"], home: home)
            #expect(sent.status == 0, "stderr: \(sent.stderr)")
        }
    }

    @Test func aKnownServerMismatchUnderConfigNamesForgetWithThatConfig() async throws {
        try await withTestServer { server in
            let folder = home.appending(path: "elsewhere").path(percentEncoded: false)
            let config = folder + "/chat.toml"
            var flags = try Self.flags(server, "alice")
            flags.removeLast(2)  // no pin: known_servers decides
            let setup = try await Self.securechat(["setup", "--config", config] + flags, home: home)
            #expect(setup.status == 0, "stderr: \(setup.stderr)")
            var known = try KnownServers(path: folder + "/known_servers")
            try known.add("127.0.0.1:\(server.port)", key: try server.pki.client("mallory").info().publicKeyFingerprint)
            let refused = try await Self.securechat(["send", "--config", config, "--to", "#lobby", "hi"], home: home)
            #expect(refused.status == 1)
            #expect(refused.stderr.contains("forget --config \(config) 127.0.0.1:\(server.port)"), "stderr: \(refused.stderr)")
            let forget = try await Self.securechat(["forget", "--config", config, "127.0.0.1:\(server.port)"], home: home)
            #expect(forget.status == 0, "stderr: \(forget.stderr)")
        }
    }
}
