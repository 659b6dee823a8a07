import ArgumentParser
import ChatClient
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// `certs`: writes everything a benchmark run needs to a folder.
///
/// Layout: `ca.pem`, `ca.key`, `server.pem`/`server.key` (SAN localhost, 127.0.0.1),
/// `client.key` (shared by every client certificate), `clients/NICK.pem` for NICK =
/// prefix + 0 ..< users, and `allowlist` binding each nick to its certificate fingerprint.
/// Keys are written 0600, as servers insist.
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

        let pki = try BenchPKI()
        let ca = try pki.caPEM()
        try Self.write(ca.certificate, to: folder.appendingPathComponent("ca.pem"), mode: 0o644)
        try Self.write(ca.key, to: folder.appendingPathComponent("ca.key"), mode: 0o600)
        let server = try pki.issueServer()
        try Self.write(try server.certificate.pem(), to: folder.appendingPathComponent("server.pem"), mode: 0o644)
        try Self.write(try server.key.pem(), to: folder.appendingPathComponent("server.key"), mode: 0o600)
        try Self.write(try pki.clientKey.pem(), to: folder.appendingPathComponent("client.key"), mode: 0o600)

        var allowlist = "# nick certificate-fingerprint, written by securechat-bench certs\n"
        allowlist.reserveCapacity(self.users * 80)
        for index in 0..<self.users {
            let nick = "\(self.nickPrefix)\(index)"
            let certificate = try pki.issueClient(nick: nick)
            try Self.write(try certificate.pem(), to: clients.appendingPathComponent("\(nick).pem"), mode: 0o644)
            allowlist += "\(nick) \(try certificate.fingerprint())\n"
        }
        try Self.write(Array(allowlist.utf8), to: folder.appendingPathComponent("allowlist"), mode: 0o644)

        var report = JSONLine()
        report["scenario"] = "certs"
        report["dir"] = self.dir
        report["users"] = self.users
        report["seconds"] = start.duration(to: .now) / .seconds(1)
        print(report.text)
    }

    /// Replaces `url` with `bytes`, created with `mode` so a key is never readable by others.
    ///
    /// Plain open/write/close: Foundation's atomic write (temporary file, rename, chmod)
    /// triples the file-system work, which dominates writing thousands of certificates.
    static func write(_ bytes: [UInt8], to url: URL, mode: Int) throws {
        unlink(url.path)
        let descriptor = open(url.path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode_t(mode))
        guard descriptor >= 0 else {
            throw BenchError("cannot write \(url.path): \(String(cString: strerror(errno))); check the folder's permissions")
        }
        defer { close(descriptor) }
        let written = bytes.withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress, $0.count) }
        guard written == bytes.count else {
            throw BenchError("cannot write \(url.path): \(String(cString: strerror(errno)))")
        }
    }
}
