import Foundation
import NIOCore
import Testing
import TestSupport
import TLS

/// The TLS layer against OpenSSL's own command-line peer and tools.
@Suite("Against the openssl command line")
struct OpenSSLPeerTests {
    let pki: TestPKI
    init() throws { self.pki = try TestPKI() }

    private func path(_ url: URL) -> String { url.path(percentEncoded: false) }

    /// Runs `openssl s_client` against the server with alice's certificate and `extra` options.
    private func sClient(port: Int, _ extra: [String]) throws -> CommandResult {
        let alice = try self.pki.client("alice")
        return try runCommand(
            "openssl",
            ["s_client", "-connect", "127.0.0.1:\(port)", "-cert", self.path(alice.certificatePath),
             "-key", self.path(alice.keyPath)] + extra,
            input: "",
            timeout: 20
        )
    }

    @Test func tls11OnlyPeerIsRefused() async throws {
        try await withTLSServer(context: try self.pki.serverContext()) { server in
            _ = try self.sClient(port: server.port, ["-tls1_1", "-cipher", "DEFAULT:@SECLEVEL=0"])
            let error = try await server.connection().waitForError()
            #expect(error.code == .unsupportedProtocol)
        }
    }

    @Test func tls12PeerIsRefusedByDefault() async throws {
        try await withTLSServer(context: try self.pki.serverContext()) { server in
            _ = try self.sClient(port: server.port, ["-tls1_2"])
            #expect(try await server.connection().waitForError().code == .unsupportedProtocol)
        }
    }

    @Test func tls12WhenAllowedNegotiatesECDHEWithAnAEAD() async throws {
        var configuration = self.pki.serverConfiguration()
        configuration.minimumVersion = .tls12
        try await withTLSServer(context: try TLSContext(server: configuration)) { server in
            let result = try self.sClient(port: server.port, ["-tls1_2"])
            let identity = try await server.connection().waitForHandshake()
            #expect(identity.protocolVersion == "TLSv1.2")
            #expect(identity.cipher.hasPrefix("ECDHE-"))
            #expect(identity.cipher.contains("GCM") || identity.cipher.contains("CHACHA20"))
            #expect(result.stdout.contains(identity.cipher))
        }
    }

    @Test(arguments: ["AES128-SHA", "AES128-GCM-SHA256", "ECDHE-ECDSA-AES128-SHA"])
    func tls12WithoutECDHEOrAEADIsRefused(cipher: String) async throws {
        var configuration = self.pki.serverConfiguration()
        configuration.minimumVersion = .tls12
        try await withTLSServer(context: try TLSContext(server: configuration)) { server in
            _ = try self.sClient(port: server.port, ["-tls1_2", "-cipher", cipher])
            let error = try await server.connection().waitForError()
            #expect(error.code == .handshakeFailed)
            #expect(error.description.contains("no shared cipher"))
        }
    }

    @Test func renegotiationIsRefused() async throws {
        var configuration = self.pki.serverConfiguration()
        configuration.minimumVersion = .tls12
        try await withTLSServer(context: try TLSContext(server: configuration)) { server in
            // "R" on its own line asks s_client to renegotiate once the handshake is done.
            let alice = try self.pki.client("alice")
            _ = try runCommand(
                "openssl",
                ["s_client", "-connect", "127.0.0.1:\(server.port)", "-tls1_2", "-cert", self.path(alice.certificatePath),
                 "-key", self.path(alice.keyPath)],
                input: "R\n",
                timeout: 20
            )
            let log = try await server.connection()
            _ = try await log.waitForHandshake()
            try await log.waitForInactive()
            // No second handshake happened: exactly one identity was reported.
            let handshakes = log.all.filter { if case .handshakeCompleted = $0 { true } else { false } }
            #expect(handshakes.count == 1)
        }
    }

    /// The identity the handler exposes equals what the openssl tools print for the same file.
    @Test func exposedIdentityMatchesOpensslOutput() async throws {
        let alice = try self.pki.client("alice")
        try await withTLSServer(context: try self.pki.serverContext()) { server in
            let client = try await TLSTestClient(port: server.port, context: try self.pki.clientContext("alice"))
            let seenByServer = try await server.connection().waitForHandshake()
            let seenByClient = try await client.log.waitForHandshake()
            try await client.channel.close()
            try self.expect(seenByServer.certificate, matches: alice.certificatePath)
            try self.expect(seenByClient.certificate, matches: self.pki.server.certificatePath)
        }
    }

    private func expect(_ info: CertificateInfo, matches file: URL) throws {
        let pem = self.path(file)
        let fingerprintLine = try runCommand("openssl", ["x509", "-in", pem, "-noout", "-fingerprint", "-sha256"]).stdout
        #expect(try Fingerprint(parsing: fingerprintLine.trimmingCharacters(in: .whitespacesAndNewlines)) == info.fingerprint)

        let spki = try runCommand(
            "/bin/bash",
            ["-c", "openssl x509 -in '\(pem)' -pubkey -noout | openssl pkey -pubin -outform der | openssl dgst -sha256 -binary | base64"]
        ).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(info.publicKeyFingerprint.description == "sha256//" + spki)

        let subject = try runCommand("openssl", ["x509", "-in", pem, "-noout", "-subject", "-nameopt", "RFC2253"]).stdout
        #expect(subject.trimmingCharacters(in: .whitespacesAndNewlines) == "subject=CN=\(info.commonName ?? "")")

        let endDate = try runCommand("openssl", ["x509", "-in", pem, "-noout", "-enddate", "-dateopt", "iso_8601"]).stdout
        let expected = endDate.trimmingCharacters(in: .whitespacesAndNewlines).replacingOccurrences(of: "notAfter=", with: "")
        #expect(expected == Self.iso8601(info.notAfter))
    }

    /// openssl's `-dateopt iso_8601` form: `2026-12-24 19:05:27Z`.
    private static func iso8601(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd HH:mm:ss'Z'"
        return formatter.string(from: date)
    }
}
