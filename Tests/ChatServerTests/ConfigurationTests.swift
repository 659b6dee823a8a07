import ChatServer
import TLS
import NIOCore
import Testing

@Suite("Server configuration defaults and validation")
struct ConfigurationTests {
    @Test func defaultsAreTheDocumentedOnes() {
        let configuration = ServerConfiguration()
        #expect(configuration.host == "0.0.0.0")
        #expect(configuration.port == 6697)
        #expect(configuration.certificatePath.isEmpty && configuration.privateKeyPath.isEmpty)
        #expect(configuration.clientCAPath.isEmpty && configuration.allowlistPath.isEmpty)
        #expect(configuration.privateKeyPassphraseFile == nil && configuration.crlPath == nil)
        #expect(configuration.motdPath == nil)
        #expect(configuration.serverName == ServerConfiguration.machineHostName())
        #expect(configuration.networkName == "SecureChat")
        #expect(configuration.defaultChannel == "#lobby")
        #expect(String(describing: configuration.logLevel) == "info")
        #expect(configuration.logFormat == .text)
        #expect(configuration.minimumTLSVersion == .tls13)

        let limits = configuration.limits
        #expect(limits.handshakeTimeout == .seconds(10))
        #expect(limits.registrationTimeout == .seconds(30))
        #expect(limits.pingInterval == .seconds(90))
        #expect(limits.pingTimeout == .seconds(60))
        #expect(limits.maxLinesBeforeRegistration == 1024)
        #expect(limits.floodBurst == 20)
        #expect(limits.floodRate == 5)
        #expect(limits.floodDisconnectAfter == .seconds(10))
        #expect(limits.sendQueueBytes == 196_608)
        #expect(limits.ioThreads == System.coreCount)
        #expect(limits.handshakesPerTurn == 4)
        #expect(limits.handshakeThreads == System.coreCount)
        #expect(limits.sendQueueBytes >= 96 * 1024)
        #expect(limits.maxConnections == 4096)
        #expect(limits.maxConnectionsPerAddress == 16)
        #expect(limits.maxSessionsPerNick == 8)
        #expect(limits.exemptLoopbackFromAddressLimit)
        #expect(limits.expiryWarningDays == 14)
    }

    @Test func machineHostNameIsAUsableServerName() {
        let name = ServerConfiguration.machineHostName()
        #expect(!name.isEmpty)
        #expect(!name.contains(" "))
    }

    @Test func validateNamesEveryMissingRequiredSetting() throws {
        let error = try #require(throws: ConfigurationError.self) { try ServerConfiguration().validate() }
        #expect(error.code == .missingRequired)
        let flagsAndKeys = [("--cert", "cert"), ("--key", "key"), ("--client-ca", "client_ca"), ("--allowlist", "allowlist")]
        #expect(
            error.reason.split(separator: "\n").map(String.init)
                == flagsAndKeys.map { "\($0) is required (or \($1) = \"…\" in the config file)" })
    }

    @Test func validateNamesOnlyWhatIsMissing() throws {
        var configuration = Self.complete()
        configuration.clientCAPath = ""
        let error = try #require(throws: ConfigurationError.self) { try configuration.validate() }
        #expect(error.reason == "--client-ca is required (or client_ca = \"…\" in the config file)")
    }

    @Test func completeConfigurationValidatesAndPortZeroIsAllowed() throws {
        var configuration = Self.complete()
        try configuration.validate()
        configuration.port = 0
        try configuration.validate()
    }

    @Test func validateReportsOutOfRangeValuesSetByFlags() throws {
        var configuration = Self.complete()
        configuration.port = 70_000
        configuration.limits.sendQueueBytes = 1024
        configuration.limits.pingTimeout = .zero
        configuration.defaultChannel = "lobby"
        let error = try #require(throws: ConfigurationError.self) { try configuration.validate() }
        #expect(error.code == .invalidValue)
        let lines = error.reason.split(separator: "\n")
        #expect(lines.count == 4)
        #expect(lines.contains("port must be between 0 and 65535, not 70000"))
        #expect(lines.contains("sendq must be at least 98304 bytes (96 KiB), not 1024"))
        #expect(lines.contains { $0.hasPrefix("ping_timeout must be greater than 0 seconds") })
        #expect(lines.contains { $0.hasPrefix("default_channel must be a channel name") })
    }

    static func complete() -> ServerConfiguration {
        var configuration = ServerConfiguration()
        configuration.certificatePath = "/c.pem"
        configuration.privateKeyPath = "/c.key"
        configuration.clientCAPath = "/ca.pem"
        configuration.allowlistPath = "/allow.txt"
        return configuration
    }
}
