import ArgumentParser
import ChatClient
import Foundation
import TLS

/// `certs`: writes everything a benchmark run needs to a folder.
///
/// Layout: `ca.pem`, `ca.key`, `server.pem`/`server.key` (SAN localhost, 127.0.0.1),
/// `client.key` (shared by every client certificate), `clients/NICK.pem` for NICK =
/// prefix + 0 ..< users, and `allowlist` binding each nick to its certificate fingerprint.
/// Everything is ECDSA P-256 valid for about ten years; all client certificates name one
/// key, so that thousands take seconds. Keys are written 0600, as servers insist, and
/// certificates 0644; files already there are replaced.
struct CertsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "certs",
        abstract: "Write a CA, a server certificate and N client certificates (CN = nick) plus an allowlist."
    )

    @Option(help: "Folder to write into (created if missing).")
    var dir: String
    @Option(name: [.customLong("users"), .customShort("n")], help: "Number of client certificates.")
    var users: Int = 1000
    @Option(help: "Nicks are this prefix followed by 0, 1, 2, …")
    var nickPrefix: String = "u"

    func run() throws {
        guard self.users > 0 else { throw ValidationError("--users must be at least 1") }
        let start = ContinuousClock.now
        let folder = URL(fileURLWithPath: self.dir)
        let clients = folder.appendingPathComponent("clients")
        try FileManager.default.createDirectory(at: clients, withIntermediateDirectories: true)

        let ca = try CertificateAuthority(commonName: "SecureChat Bench CA")
        try Self.write(ca.certificate.pem, to: folder.appendingPathComponent("ca.pem"), mode: 0o644)
        try Self.write(try ca.key.pem(), to: folder.appendingPathComponent("ca.key"), mode: 0o600)
        let serverKey = try PrivateKey.generateP256()
        let server = try ca.issue(
            commonName: "localhost", dnsNames: ["localhost"], ipAddresses: ["127.0.0.1"], usage: .serverAuth,
            validUntil: CertificateAuthority.tenYears, key: serverKey)
        try Self.write(server.pem, to: folder.appendingPathComponent("server.pem"), mode: 0o644)
        try Self.write(try serverKey.pem(), to: folder.appendingPathComponent("server.key"), mode: 0o600)
        let clientKey = try PrivateKey.generateP256()
        try Self.write(try clientKey.pem(), to: folder.appendingPathComponent("client.key"), mode: 0o600)

        var allowlist = "# nick certificate-fingerprint, written by securechat-bench certs\n"
        allowlist.reserveCapacity(self.users * 80)
        for index in 0..<self.users {
            let nick = "\(self.nickPrefix)\(index)"
            let certificate = try ca.issue(
                commonName: nick, usage: .clientAuth, validUntil: CertificateAuthority.tenYears, key: clientKey)
            try Self.write(certificate.pem, to: clients.appendingPathComponent("\(nick).pem"), mode: 0o644)
            allowlist += "\(nick) \(certificate.fingerprint)\n"
        }
        try Self.write(Array(allowlist.utf8), to: folder.appendingPathComponent("allowlist"), mode: 0o644)

        var report = JSONLine()
        report["scenario"] = "certs"
        report["dir"] = self.dir
        report["users"] = self.users
        report["seconds"] = start.duration(to: .now) / .seconds(1)
        print(report.text)
    }

    /// Replaces `url` with `bytes`, created with exactly `mode` so a key is never readable
    /// by others.
    static func write(_ bytes: [UInt8], to url: URL, mode: Int) throws {
        try PEMWriter.write(bytes, toPath: url.path(percentEncoded: false), permissions: mode, replacing: true)
    }
}
