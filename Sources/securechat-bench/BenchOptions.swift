import ArgumentParser
import ChatClient
import Foundation
import NIOCore
import TLS

/// How the generator reaches and recognises the server, shared by every load scenario.
struct BenchOptions: ParsableArguments {
    enum Verification: String, ExpressibleByArgument, CaseIterable {
        /// The server's certificate must match a pin (`--pin`, or the fingerprint of `--server-cert`).
        case pin
        /// The server's certificate must chain to `--ca` and name `--host`.
        case ca
    }

    @Option(help: "Server address.")
    var host: String = "127.0.0.1"
    @Option(help: "Server port.")
    var port: Int = 6697
    @Option(help: "CA bundle the server's certificate chains to (PEM).")
    var ca: String?
    @Option(help: "Client certificate for every user, or a folder with NICK.pem per user.")
    var cert: String
    @Option(help: "Private key of the client certificates (PEM, mode 0600).")
    var key: String
    @Option(help: "Server PID: its CPU time and RSS are sampled from /proc before and after.")
    var serverPID: Int32?
    @Option(help: "Nicks are this prefix followed by 0, 1, 2, …")
    var nickPrefix: String = "u"
    @Option(help: "How the server is recognised: pin or ca.")
    var tlsVerify: Verification = .ca
    @Option(help: "Server certificate fingerprint for --tls-verify pin (sha256:HEX, spki:HEX, sha256//BASE64).")
    var pin: String?
    @Option(help: "Server certificate whose fingerprint is the pin, when --pin is not given.")
    var serverCert: String?
    @Option(help: "Name of the server under test, copied into the JSON line.")
    var label: String = "server"
    @Option(help: "I/O threads the server under test was started with, copied into the JSON line.")
    var serverIOThreads: Int?
    @Option(help: "Whether the server under test stores history (on or off), copied into the JSON line.")
    var serverHistory: String?
    @Option(help: "Whether the server under test runs an offensive-text filter (on or off), copied into the JSON line.")
    var serverFilter: String?
    @Option(help: "Event-loop threads of the generator (default: one per core).")
    var threads: Int = System.coreCount
    @Option(
        help: ArgumentHelp(
            "A line sent right after registration, {nick} replaced by the nick; repeatable.",
            discussion: "E.g. OPER and MODE {nick} +F, for a server that throttles clients that are not operators."))
    var afterRegister: [String] = []
    @Option(
        name: .customLong("cap"),
        help: ArgumentHelp(
            "An IRCv3 capability every user requests before registering; repeatable.",
            discussion: "E.g. echo-message; the history scenarios add what they need themselves."))
    var capabilities: [String] = []
    @Option(help: "Upper bound in seconds on any one phase (connecting, sending, draining).")
    var timeout: Double = 120

    func nick(_ index: Int) -> String { "\(self.nickPrefix)\(index)" }

    /// A scenario's report, begun with its name and the parameters every scenario reports.
    func report(scenario: String) -> JSONLine {
        var report = JSONLine()
        report["scenario"] = scenario
        report["server"] = self.label
        report["host"] = self.host
        report["port"] = self.port
        report["tls_verify"] = self.tlsVerify.rawValue
        report["generator_threads"] = self.threads
        if let threads = self.serverIOThreads { report["server_io_threads"] = threads }
        if let history = self.serverHistory { report["server_history"] = history }
        if let filter = self.serverFilter { report["server_filter"] = filter }
        if !self.capabilities.isEmpty { report["capabilities"] = self.capabilities.joined(separator: " ") }
        if let cpus = HostSample.allowedCPUs() { report["generator_cpus"] = cpus }
        if let load = HostSample.loadAverage() { report["load_average_1m"] = load }
        return report
    }

    /// Builds the client TLS configuration for `nick`'s certificate.
    func clientConfiguration(nick: String) throws -> TLSClientConfiguration {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: self.cert, isDirectory: &isFolder) else {
            throw BenchError("--cert \(self.cert) does not exist; run `securechat-bench certs` first")
        }
        let certificate = isFolder.boolValue ? "\(self.cert)/\(nick).pem" : self.cert
        var configuration: TLSClientConfiguration
        switch self.tlsVerify {
        case .ca:
            guard let ca = self.ca else { throw ValidationError("--tls-verify ca needs --ca") }
            configuration = TLSClientConfiguration(certificatePath: certificate, privateKeyPath: self.key, trustRootsPath: ca)
        case .pin:
            let pin: Fingerprint
            if let text = self.pin {
                pin = try Fingerprint(parsing: text)
            } else if let serverCert = self.serverCert {
                pin = try CertificateInfo(contentsOf: serverCert).fingerprint
            } else {
                throw ValidationError("--tls-verify pin needs --pin or --server-cert")
            }
            configuration = TLSClientConfiguration(certificatePath: certificate, privateKeyPath: self.key, pins: [pin])
        }
        configuration.handshakeTimeout = .seconds(Int64(max(1, self.timeout)))
        // Closing must not hold a connection open long when a peer is slow to answer
        // close_notify: the handshake scenario opens and closes thousands.
        configuration.shutdownTimeout = .milliseconds(500)
        return configuration
    }
}
