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
        ("[operators]\nalice = \"root\"\n", ConfigurationError.Code.invalidValue, "server.toml:2: operators.alice must be one of"),
        ("[operators]\nalice = 1\n", .wrongType, "server.toml:2: operators.alice must be one of the strings"),
        ("[operators]\nalice = \"admin\"\n\"not a nick\" = \"admin\"\n", .invalidValue, "server.toml:3: 'not a nick' in [operators] is neither a nickname nor a certificate fingerprint"),
        ("[operators]\nalice = \"admin\"\nAlice = \"moderator\"\n", .invalidValue, "server.toml:3: operators.Alice lists the operator of /etc/securechat/server.toml:2 again"),
        ("operators = \"alice\"\n", .wrongType, "server.toml:1: operators must be a table"),
    ])
    func badTablesNameTheLine(toml: String, code: ConfigurationError.Code, start: String) {
        var configuration = ServerConfiguration()
        do {
            try configuration.apply(toml: toml, path: Self.path)
            Issue.record("accepted \(toml)")
        } catch {
            #expect(error.code == code)
            #expect(error.reason.hasPrefix("/etc/securechat/" + start), "\(error.reason)")
        }
    }
}
