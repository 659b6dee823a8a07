import ChatServer
import Foundation
import TLS
import Testing

@Suite("Server configuration: [operators]")
struct ConfigurationOperatorsTests {
    static let path = "/etc/securechat/server.toml"
    static let hex = String(repeating: "ab", count: 32)

    @Test func nicksAndFingerprintsGetTheirClasses() throws {
        var configuration = ServerConfiguration()
        try configuration.apply(
            toml: """
                port = 7000

                [operators]
                alice = "admin"
                "sha256:\(Self.hex)" = "moderator"
                "spki:\(Self.hex)" = "admin"
                """,
            path: Self.path)
        let digest = Array(repeating: UInt8(0xab), count: 32)
        #expect(
            configuration.operators.entries == [
                .nick("alice"): .admin,
                .fingerprint(Fingerprint(kind: .certificate, digest: digest)): .moderator,
                .fingerprint(Fingerprint(kind: .publicKey, digest: digest)): .admin,
            ])
    }

    @Test func noTableMeansNoOperators() throws {
        var configuration = ServerConfiguration()
        try configuration.apply(toml: "port = 7000\n", path: Self.path)
        #expect(configuration.operators.isEmpty)
    }

    @Test(arguments: [
        ConfigurationRefusal("[operators]\nalice = \"root\"\n", .invalidValue, "\(path):2: operators.alice must be one of"),
        ConfigurationRefusal("[operators]\nalice = 1\n", .wrongType, "\(path):2: operators.alice must be one of the strings"),
        ConfigurationRefusal("[operators]\nalice = \"admin\"\n\"not a nick\" = \"admin\"\n", .invalidValue, "\(path):3: 'not a nick' in [operators] is neither a nickname nor a certificate fingerprint"),
        ConfigurationRefusal("[operators]\nalice = \"admin\"\nAlice = \"moderator\"\n", .invalidValue, "\(path):3: operators.Alice lists the operator of /etc/securechat/server.toml:2 again"),
        ConfigurationRefusal("operators = \"alice\"\n", .wrongType, "\(path):1: operators must be a table"),
    ])
    func badTablesNameTheLine(_ refusal: ConfigurationRefusal) throws {
        var configuration = ServerConfiguration()
        try refusal.expectRefused { try configuration.apply(toml: $0, path: Self.path) }
    }
}
