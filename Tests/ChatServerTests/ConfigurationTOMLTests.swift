import ChatServer
import Foundation
import TLS
import TestSupport
import Testing

@Suite("Server configuration from TOML")
struct ConfigurationTOMLTests {
    static let path = "/etc/securechat/server.toml"

    static let fullExample = """
        # SecureChat hub
        host = "::"
        port = 7000
        cert = "certs/server.pem"
        key = "/var/lib/securechat/server.key"
        key_passphrase_file = "./secret.txt"
        client_ca = "certs/ca.pem"
        crl = "certs/ca.crl"
        allowlist = "allowlist.txt"
        server_name = "irc.example.org"
        network_name = "ExampleNet"
        default_channel = "#general"
        motd = "motd.txt"
        log_level = "debug"
        log_format = "json"
        min_tls_version = "1.2"

        [limits]
        handshake_timeout = 5
        registration_timeout = 2.5
        ping_interval = 120
        ping_timeout = 30
        max_lines_before_registration = 64
        flood_burst = 10
        flood_rate = 2.5
        flood_disconnect_after = 20
        sendq = 262144
        max_connections = 100
        max_connections_per_address = 4
        max_sessions_per_nick = 3
        exempt_loopback = false
        expiry_warning_days = 30
        """

    @Test func fullExampleSetsEverySetting() throws {
        var configuration = ServerConfiguration()
        try configuration.apply(toml: Self.fullExample, path: Self.path)
        #expect(configuration.host == "::")
        #expect(configuration.port == 7000)
        #expect(configuration.certificatePath == "/etc/securechat/certs/server.pem")
        #expect(configuration.privateKeyPath == "/var/lib/securechat/server.key")
        #expect(configuration.privateKeyPassphraseFile == "/etc/securechat/secret.txt")
        #expect(configuration.clientCAPath == "/etc/securechat/certs/ca.pem")
        #expect(configuration.crlPath == "/etc/securechat/certs/ca.crl")
        #expect(configuration.allowlistPath == "/etc/securechat/allowlist.txt")
        #expect(configuration.serverName == "irc.example.org")
        #expect(configuration.networkName == "ExampleNet")
        #expect(configuration.defaultChannel == "#general")
        #expect(configuration.motdPath == "/etc/securechat/motd.txt")
        #expect(String(describing: configuration.logLevel) == "debug")
        #expect(configuration.logFormat == .json)
        #expect(configuration.minimumTLSVersion == .tls12)

        let limits = configuration.limits
        #expect(limits.handshakeTimeout == .seconds(5))
        #expect(limits.registrationTimeout == .milliseconds(2500))
        #expect(limits.pingInterval == .seconds(120))
        #expect(limits.pingTimeout == .seconds(30))
        #expect(limits.maxLinesBeforeRegistration == 64)
        #expect(limits.floodBurst == 10)
        #expect(limits.floodRate == 2.5)
        #expect(limits.floodDisconnectAfter == .seconds(20))
        #expect(limits.sendQueueBytes == 262_144)
        #expect(limits.maxConnections == 100)
        #expect(limits.maxConnectionsPerAddress == 4)
        #expect(limits.maxSessionsPerNick == 3)
        #expect(!limits.exemptLoopbackFromAddressLimit)
        #expect(limits.expiryWarningDays == 30)
        try configuration.validate()
    }

    @Test func settingsNotInTheFileKeepTheirValues() throws {
        var configuration = ServerConfiguration()
        configuration.networkName = "FromFlags"
        try configuration.apply(toml: "port = 6000\n[limits]\nflood_burst = 3\n", path: Self.path)
        #expect(configuration.port == 6000)
        #expect(configuration.networkName == "FromFlags")
        #expect(configuration.limits.floodBurst == 3)
        #expect(configuration.limits.floodRate == 5)
    }

    @Test(arguments: [0, 1, 16]) func handshakeThreadsAreRead(threads: Int) throws {
        var configuration = ServerConfiguration()
        try configuration.apply(toml: "[limits]\nhandshake_threads = \(threads)\n", path: Self.path)
        #expect(configuration.limits.handshakeThreads == threads)
    }

    @Test func emptyFileChangesNothing() throws {
        var configuration = ServerConfiguration()
        try configuration.apply(toml: "# nothing yet\n", path: Self.path)
        #expect(configuration.port == 6697)
    }

    @Test func emptyOptionalPathMeansNone() throws {
        var configuration = ServerConfiguration()
        configuration.crlPath = "/old.crl"
        try configuration.apply(toml: "crl = \"\"\nmotd = \"\"", path: Self.path)
        #expect(configuration.crlPath == nil)
        #expect(configuration.motdPath == nil)
    }

    /// A document, the error code, and the exact start of the message.
    @Test(arguments: [
        ConfigurationRefusal("port = 7000\nport = 7001\n", .syntax, "\(path):2: "),
        ConfigurationRefusal("host = \"a\"\nport = \n", .syntax, "\(path):2: "),
        ConfigurationRefusal("\n\n[limits\n", .syntax, "\(path):3: "),
        ConfigurationRefusal("# c\nprot = 7000\n", .unknownKey, "\(path):2: unknown key 'prot'; did you mean 'port'?"),
        ConfigurationRefusal("client-ca = \"ca.pem\"\n", .unknownKey, "\(path):1: unknown key 'client-ca'; did you mean 'client_ca'?"),
        ConfigurationRefusal("port = 1\n\n[limits]\nping_intervall = 5\n", .unknownKey, "\(path):4: unknown key 'limits.ping_intervall'; did you mean 'ping_interval'?"),
        ConfigurationRefusal("sendq = 100000\n", .unknownKey, "\(path):1: unknown key 'sendq'; it belongs in the [limits] table"),
        ConfigurationRefusal("[limits]\nport = 1\n", .unknownKey, "\(path):2: unknown key 'limits.port'; it belongs at the top of the file"),
        ConfigurationRefusal("[limit]\nsendq = 100000\n", .unknownKey, "\(path):1: unknown key 'limit'; did you mean 'limits'?"),
        ConfigurationRefusal("zzzzzzzz = 1\n", .unknownKey, "\(path):1: unknown key 'zzzzzzzz'; known keys here: host, port, cert"),
        ConfigurationRefusal("port = \"6697\"\n", .wrongType, "\(path):1: port must be an integer, not a string"),
        ConfigurationRefusal("\ncert = 5\n", .wrongType, "\(path):2: cert must be a string (in quotes), not an integer"),
        ConfigurationRefusal("limits = 5\n", .wrongType, "\(path):1: limits must be a table"),
        ConfigurationRefusal("[limits]\nexempt_loopback = \"yes\"\n", .wrongType, "\(path):2: limits.exempt_loopback must be true or false"),
        ConfigurationRefusal("[limits]\nping_timeout = \"60s\"\n", .wrongType, "\(path):2: limits.ping_timeout must be a number of seconds, not a string"),
        ConfigurationRefusal("min_tls_version = 1.2\n", .wrongType, "\(path):1: min_tls_version must be one of the strings \"1.3\", \"1.2\", not a floating-point number"),
        ConfigurationRefusal("port = 0\n", .invalidValue, "\(path):1: port must be between 1 and 65535, not 0"),
        ConfigurationRefusal("port = 65536\n", .invalidValue, "\(path):1: port must be between 1 and 65535, not 65536"),
        ConfigurationRefusal("[limits]\nsendq = 98303\n", .invalidValue, "\(path):2: limits.sendq must be at least 98304, not 98303"),
        ConfigurationRefusal("[limits]\n\nhandshake_timeout = 0\n", .invalidValue, "\(path):3: limits.handshake_timeout must be greater than 0"),
        ConfigurationRefusal("[limits]\nping_interval = -1.5\n", .invalidValue, "\(path):2: limits.ping_interval must be greater than 0 and at most 86400, not -1.5"),
        ConfigurationRefusal("[limits]\nflood_burst = 0\n", .invalidValue, "\(path):2: limits.flood_burst must be at least 1, not 0"),
        ConfigurationRefusal("[limits]\nmax_sessions_per_nick = 0\n", .invalidValue, "\(path):2: limits.max_sessions_per_nick must be at least 1, not 0"),
        ConfigurationRefusal("[limits]\nhandshake_threads = -1\n", .invalidValue, "\(path):2: limits.handshake_threads must be between 0 and 1024, not -1"),
        ConfigurationRefusal("log_level = \"verbose\"\n", .invalidValue, "\(path):1: log_level must be one of \"trace\", \"debug\", \"info\""),
        ConfigurationRefusal("log_format = \"xml\"\n", .invalidValue, "\(path):1: log_format must be one of \"text\", \"json\", not \"xml\""),
        ConfigurationRefusal("min_tls_version = \"1.1\"\n", .invalidValue, "\(path):1: min_tls_version must be one of \"1.3\", \"1.2\", not \"1.1\""),
        ConfigurationRefusal("default_channel = \"lobby\"\n", .invalidValue, "\(path):1: default_channel must be a channel name"),
        ConfigurationRefusal("server_name = \"my server\"\n", .invalidValue, "\(path):1: server_name must be a non-empty name without spaces"),
        ConfigurationRefusal("cert = \"\"\n", .invalidValue, "\(path):1: cert must be a file path, not an empty string"),
        ConfigurationRefusal("limits = { sendq = 5 }\n", .invalidValue, "\(path):1: limits.sendq must be at least 98304, not 5"),
        ConfigurationRefusal("limits.flood_burst = 0\n", .invalidValue, "\(path):1: limits.flood_burst must be at least 1"),
        // [operators]
        ConfigurationRefusal("[operators]\nalice = \"root\"\n", .invalidValue, "\(path):2: operators.alice must be one of"),
        ConfigurationRefusal("[operators]\nalice = 1\n", .wrongType, "\(path):2: operators.alice must be one of the strings"),
        ConfigurationRefusal("[operators]\nalice = \"admin\"\n\"not a nick\" = \"admin\"\n", .invalidValue, "\(path):3: 'not a nick' in [operators] is neither a nickname nor a certificate fingerprint"),
        ConfigurationRefusal("[operators]\nalice = \"admin\"\nAlice = \"moderator\"\n", .invalidValue, "\(path):3: operators.Alice lists the operator of /etc/securechat/server.toml:2 again"),
        ConfigurationRefusal("operators = \"alice\"\n", .wrongType, "\(path):1: operators must be a table"),
        // [history]
        ConfigurationRefusal("[history]\ndurability = \"fast\"\n", .invalidValue, "\(path):2: history.durability must be one of"),
        ConfigurationRefusal("[history]\nreplay_on_join = 500\n", .invalidValue, "\(path):2: history.replay_on_join must be between 0 and 100"),
        ConfigurationRefusal("[history]\nsendq = 1\n", .unknownKey, "\(path):2: unknown key 'history.sendq'; it belongs in the [limits] table"),
        ConfigurationRefusal("replay_on_join = 5\n", .unknownKey, "\(path):1: unknown key 'replay_on_join'; it belongs in the [history] table"),
    ])
    func errorNamesTheLine(_ refusal: ConfigurationRefusal) throws {
        var configuration = ServerConfiguration()
        try refusal.expectRefused { try configuration.apply(toml: $0, path: Self.path) }
        #expect(configuration.port == 6697, "a failed load applies nothing")
    }

    @Test func firstProblemInFileOrderIsReported() throws {
        var configuration = ServerConfiguration()
        let toml = "server_name = \"ok\"\nport = \"x\"\n[limits]\nsendq = 1\n"
        let error = try #require(throws: ConfigurationError.self) { try configuration.apply(toml: toml, path: "c.toml") }
        #expect(error.reason.contains(":2: port"))
        #expect(configuration.serverName != "ok", "a failed load applies nothing")
    }

    @Test func keysAreFoundWithCRLFCommentsAndMultilineStrings() throws {
        var configuration = ServerConfiguration()
        let toml = "# a\r\nnetwork_name = \"\"\"\r\nport = 1\r\n\"\"\"\r\nport = 0\r\n"
        let error = try #require(throws: ConfigurationError.self) { try configuration.apply(toml: toml, path: "c.toml") }
        #expect(error.reason.hasPrefix("c.toml:2: network_name must be"), "\(error.reason)")
    }

    @Test func loadsAFileAndResolvesPathsAgainstItsFolder() throws {
        let directory = try makeTemporaryDirectory(prefix: "configuration-tests")
        defer { removeTemporaryDirectory(directory) }
        let file = directory.appendingPathComponent("server.toml")
        try Data("cert = \"certs/server.pem\"\nallowlist = \"../allow.txt\"\n".utf8).write(to: file)
        let configuration = try ServerConfiguration.load(tomlAt: file.path)
        #expect(configuration.certificatePath == directory.path + "/certs/server.pem")
        #expect(configuration.allowlistPath == directory.path + "/../allow.txt")
    }

    @Test func missingFileSaysCannotRead() throws {
        let error = try #require(throws: ConfigurationError.self) {
            try ServerConfiguration.load(tomlAt: "/nonexistent/securechat.toml")
        }
        #expect(error.code == .fileUnreadable)
        #expect(error.reason.hasPrefix("/nonexistent/securechat.toml: cannot read: No such file or directory"))
    }

    @Test func errorsAreEqualByCode() {
        #expect(ConfigurationError(.syntax, "a") == ConfigurationError(.syntax, "b"))
        #expect(ConfigurationError(.syntax, "a") != ConfigurationError(.unknownKey, "a"))
    }

    /// Logs and tests see the code; a person at the command line reads the reason alone.
    @Test func descriptionNamesTheCodeAndThePersonReadsTheReason() {
        let error = ConfigurationError(.unknownKey, "c.toml:3: unknown key 'prot'")
        #expect(error.description == "ConfigurationError.unknownKey: c.toml:3: unknown key 'prot'")
        #expect(error.errorDescription == "c.toml:3: unknown key 'prot'")
    }
}
