import ArgumentParser
import ChatClient
import Foundation
import TLS

/// The flags every connecting command shares; they override the configuration file.
struct ConnectionOptions: ParsableArguments {
    @Option(help: "Configuration file (default: ~/.config/securechat/config.toml).")
    var config: String?

    @Option(
        name: [.customShort("p"), .long],
        help: "A named profile: ~/.config/securechat/profiles/NAME/config.toml, its own known_servers beside it (a second user on this machine).")
    var profile: String?

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

    /// The configuration file these options select: --config, --profile's, or the default.
    func configurationPath() throws -> String {
        if self.config != nil, self.profile != nil { throw ValidationError("give --config or --profile, not both") }
        if let profile { return try ClientConfiguration.profilePath(profile) }
        return self.config ?? ClientConfiguration.defaultPath
    }

    /// The flags that select the configuration file, for hints.
    var selection: [String] {
        if let profile { return ["--profile", profile] }
        if let config { return ["--config", config] }
        return []
    }

    /// The configuration file with these flags applied.
    func configuration() throws -> ClientConfiguration {
        let path = try self.configurationPath()
        if let profile, !FileManager.default.fileExists(atPath: path) {
            throw ChatClientError(
                .configuration,
                "there is no profile \(profile) (\(path)); create it with: \(ProgramName.current) setup --profile \(profile) --cert FILE --key FILE …")
        }
        var configuration = try ClientConfiguration.load(path: path, missingIsEmpty: self.config == nil)
        configuration.selection = self.selection
        if path != ClientConfiguration.defaultPath, configuration.knownServersPath == ClientConfiguration().knownServersPath {
            let folder = (path as NSString).deletingLastPathComponent
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
