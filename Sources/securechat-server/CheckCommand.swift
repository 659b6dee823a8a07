import ArgumentParser
import Foundation
import TLS

/// `securechat-server check`: proves that the server's TLS files work, end to end.
struct CheckCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Check TLS files: a local server and client complete a mutual handshake over 127.0.0.1.",
        discussion: """
            Example:
              securechat-server check --cert certs/server/localhost.pem \\
                  --key certs/server/localhost.key --client-ca certs/ca.pem \\
                  --crl certs/crl.pem --client-cert certs/clients/alice.pem \\
                  --client-key certs/clients/alice.key

            Loads the server's certificate, key, client CA (and CRL), starts a server
            on an ephemeral port of 127.0.0.1, connects a client with the given client
            certificate pinned to the server's public key, and sends a line each way.
            Exits non-zero with the reason when any step fails.
            """
    )

    @Option(help: "Server certificate (PEM, optionally followed by intermediates).")
    var cert: String
    @Option(help: "Server private key (PEM, mode 0600).")
    var key: String
    @Option(help: "CA bundle that client certificates must chain to (PEM).")
    var clientCA: String
    @Option(help: "Revocation list of client certificates (PEM).")
    var crl: String?
    @Option(help: "Client certificate to test with (PEM).")
    var clientCert: String
    @Option(help: "Client private key (PEM, mode 0600).")
    var clientKey: String
    @Flag(help: "Also accept TLS 1.2 (ECDHE with AEAD ciphers only).")
    var allowTLS12 = false

    func run() async throws {
        var serverConfiguration = TLSServerConfiguration(
            certificatePath: self.cert,
            privateKeyPath: self.key,
            clientCAPath: self.clientCA,
            crlPath: self.crl
        )
        serverConfiguration.minimumVersion = self.allowTLS12 ? .tls12 : .tls13
        let serverContext = try TLSContext(server: serverConfiguration)
        guard let serverCertificate = serverContext.certificate else {
            throw ValidationError("the server context has no certificate")
        }
        let clientContext = try TLSContext(
            client: TLSClientConfiguration(
                certificatePath: self.clientCert,
                privateKeyPath: self.clientKey,
                pins: [serverCertificate.publicKeyFingerprint]
            )
        )
        let result = try await LoopbackCheck.run(server: serverContext, client: clientContext)
        let client = result.clientSeenByServer.certificate
        print("TLS self-check passed on 127.0.0.1:\(result.port)")
        print("  server  CN=\(serverCertificate.commonName ?? "-")  expires \(Self.day(serverCertificate.notAfter))")
        print("          pin \(serverCertificate.publicKeyFingerprint)  (\(serverCertificate.publicKeyFingerprint.hexDescription))")
        print("          certificate \(serverCertificate.fingerprint)")
        print("  client  CN=\(client.commonName ?? "-")  expires \(Self.day(client.notAfter))")
        print("          allowlist line: \(client.commonName ?? "NICK") \(client.fingerprint)")
        print("  \(result.serverSeenByClient.protocolVersion), \(result.serverSeenByClient.cipher), \(result.bytes) bytes each way")
    }

    private static func day(_ date: Date) -> String {
        date.formatted(.iso8601.year().month().day())
    }
}
