import ArgumentParser
import ChatClient
import Foundation
import TLS

/// The flags every connecting command shares; they override the configuration file.
struct ConnectionOptions: ParsableArguments {
    @Option(help: "Configuration file (default: ~/.config/securechat/config.toml).")
    var config: String?

    @Option(help: "Server host name or address.")
    var server: String?

    @Option(help: "Server port (default 6697).")
    var port: Int?

    @Option(help: "Your client certificate (PEM).")
    var cert: String?

    @Option(help: "Your certificate's private key (PEM, mode 0600).")
    var key: String?

    @Option(help: "Accepted server key, sha256//BASE64 (repeat for rotation); replaces the file's pins.")
    var pin: [String] = []

    @Option(help: "Nick to use (default: the certificate's common name).")
    var nick: String?

    @Option(help: "known_servers file (default: next to the configuration file).")
    var knownServers: String?

    /// The configuration file with these flags applied.
    func configuration() throws -> ClientConfiguration {
        var configuration = try ClientConfiguration.load(
            path: self.config ?? ClientConfiguration.defaultPath, missingIsEmpty: self.config == nil)
        if let config = self.config, configuration.knownServersPath == ClientConfiguration().knownServersPath {
            let folder = (config as NSString).deletingLastPathComponent
            configuration.knownServersPath = folder.isEmpty ? "known_servers" : folder + "/known_servers"
        }
        if let server { configuration.host = server }
        if let port {
            guard (1...65535).contains(port) else { throw ValidationError("--port must be from 1 to 65535") }
            configuration.port = port
        }
        if let cert { configuration.certificatePath = cert }
        if let key { configuration.privateKeyPath = key }
        if let nick { configuration.nick = nick }
        if let knownServers { configuration.knownServersPath = knownServers }
        if !self.pin.isEmpty {
            configuration.pins = try self.pin.map { text in
                do {
                    return try Fingerprint(parsing: text)
                } catch {
                    throw ValidationError("--pin: \(error)")
                }
            }
        }
        return configuration
    }

    /// Prints the expiry warning for the user's own certificate, if any.
    static func warnAboutExpiry(_ configuration: ClientConfiguration) {
        guard let certificate = try? CertificateInfo(contentsOf: configuration.certificatePath) else { return }
        let nick = (try? configuration.effectiveNick()) ?? "NICK"
        if let warning = CertificateExpiry.warning(for: certificate, nick: nick, days: configuration.expiryWarningDays) {
            Output.note(warning)
        }
    }
}
