import ChatServer
import Foundation
import TLS
import Testing

/// `[operators]` in server.toml (its mistakes are among ConfigurationTOMLTests' `errorNamesTheLine`
/// cases).
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

}
