import ChatClient
import Foundation
import TLS
import TestSupport
import Testing

@Suite struct ClientConfigurationTOMLTests {
    static let pin = "sha256//" + Data(repeating: 7, count: 32).base64EncodedString()

    @Test func readsEverySetting() throws {
        var configuration = ClientConfiguration()
        try configuration.apply(
            toml: """
                # comment
                server = "chat.example.com"
                port = 7000
                cert = "certs/alice.crt"
                key = "/abs/alice.key"
                nick = "alice"
                pin = ["\(Self.pin)", "sha256:\(String(repeating: "ab", count: 32))"]
                rooms = ["#dev", "ops"]
                known_servers = "ks"
                """, path: "/home/a/.config/securechat/config.toml")
        #expect(configuration.host == "chat.example.com")
        #expect(configuration.port == 7000)
        #expect(configuration.certificatePath == "/home/a/.config/securechat/certs/alice.crt")
        #expect(configuration.privateKeyPath == "/abs/alice.key")
        #expect(configuration.nick == "alice")
        #expect(configuration.pins.count == 2)
        #expect(configuration.pins.first?.description == Self.pin)
        #expect(configuration.rooms == ["#dev", "#ops"])
        #expect(configuration.knownServersPath == "/home/a/.config/securechat/ks")
    }

    static let errors: [(toml: String, message: String)] = [
        ("server = \"a\"\nport = \"x\"\n", "c.toml:2: port must be a whole number from 1 to 65535"),
        ("server = \"a\"\n\nport = 70000\n", "c.toml:3: port must be a whole number from 1 to 65535"),
        ("nick = \"a\"\nprot = 1\n", "c.toml:2: unknown key 'prot'"),
        ("pin = \"sha256//abc\"\n", "c.toml:1: 'sha256//abc' is not a fingerprint"),
        ("nick = 5\n", "c.toml:1: nick must be a string in quotes"),
        ("rooms = [1]\n", "c.toml:1: every element of rooms must be a string"),
        ("server = \"a\"\nnick = \n", "c.toml:2: "),
    ]

    @Test(arguments: errors)
    func reportsFileAndLine(_ item: (toml: String, message: String)) {
        var configuration = ClientConfiguration()
        #expect {
            try configuration.apply(toml: item.toml, path: "c.toml")
        } throws: { error in
            let reason = (error as? ChatClientError)?.reason ?? ""
            return reason.hasPrefix(item.message)
        }
    }

    @Test func writtenFileReadsBackTheSame() throws {
        let directory = try makeTemporaryDirectory(prefix: "config")
        defer { removeTemporaryDirectory(directory) }
        let path = directory.appending(path: "sub/config.toml").path(percentEncoded: false)
        var configuration = ClientConfiguration()
        configuration.host = "chat \"quoted\".example"
        configuration.port = 6698
        configuration.certificatePath = "/c/alice.crt"
        configuration.privateKeyPath = "/c/alice.key"
        configuration.nick = "alice"
        configuration.pins = [try Fingerprint(parsing: Self.pin)]
        configuration.rooms = ["#dev"]
        try configuration.write(toPath: path)
        var loaded = try ClientConfiguration.load(path: path, missingIsEmpty: false)
        loaded.knownServersPath = configuration.knownServersPath
        #expect(loaded.file == path, "the loaded configuration knows its file, for hints")
        configuration.file = path
        #expect(loaded == configuration)
        let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
        #expect(mode == 0o600)
    }

    @Test func missingDefaultFileIsEmptyButMissingNamedFileIsAnError() throws {
        var empty = ClientConfiguration()
        empty.file = "/nonexistent/config.toml"
        #expect(try ClientConfiguration.load(path: "/nonexistent/config.toml", missingIsEmpty: true) == empty)
        #expect(throws: ChatClientError(.configuration, "")) {
            try ClientConfiguration.load(path: "/nonexistent/config.toml", missingIsEmpty: false)
        }
    }
}
