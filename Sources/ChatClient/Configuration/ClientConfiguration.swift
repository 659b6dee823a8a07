import Foundation
import TLS

/// Everything the client needs to reach its server and present itself; every field has a
/// default so that a configuration file, flags, or both can fill in what they know.
public struct ClientConfiguration: Hashable, Sendable {
    /// The server's host name or address.
    public var host: String = "localhost"
    /// The server's TLS port.
    public var port: Int = 6697
    /// PEM file with the user's client certificate.
    public var certificatePath: String = ""
    /// PEM file with the certificate's private key (mode 0600).
    public var privateKeyPath: String = ""
    /// Accepted server keys; when not empty they decide alone and known_servers is not used.
    /// Several pins allow the server's key to be rotated.
    public var pins: [Fingerprint] = []
    /// The nick to register; empty means the certificate's common name.
    public var nick: String = ""
    /// Rooms joined after registering (the server may add its default room).
    public var rooms: [String] = []
    /// The SSH-like file of first-contact server keys.
    public var knownServersPath: String = ClientConfiguration.defaultDirectory + "/known_servers"
    /// Warn when the user's certificate expires within this many days.
    public var expiryWarningDays: Int = 14
    /// The configuration file these settings were read from (or would be written to), for
    /// hints that name it.
    public var file: String = ClientConfiguration.defaultPath
    /// The flags that select this configuration, for hints that must work for it: none for
    /// the default file, `--profile NAME` or `--config FILE`.
    public var selection: [String] = []

    public init() {}

    /// `host:port`, as known_servers and messages write it.
    public var serverAddress: String { "\(self.host):\(self.port)" }

    /// `$XDG_CONFIG_HOME/securechat`, else `~/.config/securechat`.
    public static var defaultDirectory: String {
        let environment = ProcessInfo.processInfo.environment
        if var xdg = environment["XDG_CONFIG_HOME"], xdg.hasPrefix("/") {
            while xdg.count > 1, xdg.hasSuffix("/") { xdg.removeLast() }
            return xdg + "/securechat"
        }
        let home = environment["HOME"] ?? FileManager.default.homeDirectoryForCurrentUser.path
        return home + "/.config/securechat"
    }

    /// The configuration file read when `--config` is not given.
    public static var defaultPath: String { defaultDirectory + "/config.toml" }

    /// The configuration file of profile `name`: `profiles/NAME/config.toml` in
    /// ``defaultDirectory``, with its own known_servers beside it.
    ///
    /// - Throws: ``ChatClientError`` `.configuration` for a name that is not letters,
    ///   digits, `-`, `_` and `.` (it becomes a folder name).
    public static func profilePath(_ name: String) throws(ChatClientError) -> String {
        let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.")
        guard !name.isEmpty, name.count <= 64, !name.hasPrefix("."), name.allSatisfy(allowed.contains) else {
            throw ChatClientError(
                .configuration, "profile name '\(name)' is not usable; use letters, digits, '-', '_' and '.', e.g. --profile bob")
        }
        return defaultDirectory + "/profiles/" + name + "/config.toml"
    }

    /// A command line that works for this configuration: the program as the user can run
    /// it, `subcommand`, this configuration's ``selection`` flags, then `arguments`.
    public func command(_ subcommand: String, _ arguments: String...) -> String {
        ([ProgramName.current] + (subcommand.isEmpty ? [] : [subcommand]) + (self.selection + arguments).map(ProgramName.shellQuoted))
            .joined(separator: " ")
    }

    /// The nick to register: ``nick`` or, when empty, the certificate's common name.
    ///
    /// - Throws: ``ChatClientError`` `.configuration` when neither is available.
    public func effectiveNick() throws(ChatClientError) -> String {
        if !self.nick.isEmpty { return self.nick }
        if let name = (try? CertificateInfo(contentsOf: self.certificatePath))?.commonName, !name.isEmpty {
            return name
        }
        throw ChatClientError(.configuration, "no nick configured; give --nick NICK or nick = \"NICK\" in the configuration file")
    }

    /// Checks that the fields needed to connect are present.
    ///
    /// - Throws: ``ChatClientError`` `.configuration` naming the missing setting and how to set it.
    public func validateForConnecting() throws(ChatClientError) {
        if self.certificatePath.isEmpty || self.privateKeyPath.isEmpty {
            throw ChatClientError(
                .configuration,
                "no client certificate configured in \(self.file); run \(self.command("setup", "--cert", "FILE", "--key", "FILE")), or give --cert FILE --key FILE")
        }
        guard (1...65535).contains(self.port) else {
            throw ChatClientError(.configuration, "port \(self.port) is out of range; use 1 to 65535")
        }
    }
}
