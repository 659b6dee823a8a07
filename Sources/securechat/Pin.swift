import ArgumentParser
import ChatClient
import Foundation
import TLS

/// `securechat pin host:port sha256//…`: changes only the server pin of a configuration.
struct Pin: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Change only the server's pin in the configuration file (after the server's key really changed).",
        discussion: """
            Examples:
              securechat pin chat.example.com:6697 sha256//NEWKEY=
              securechat pin chat.example.com:6697 sha256//OLD= sha256//NEW=   # during a key rotation
              securechat pin --profile bob 127.0.0.1:6697 sha256//NEWKEY=

            Every other line of the file stays as it is. The server must be the one the
            file is for; check the new key with the server's administrator first.
            """
    )

    @Option(help: "Configuration file (default: ~/.config/securechat/config.toml).")
    var config: String?

    @Option(name: [.customShort("p"), .long], help: "The profile whose configuration to change.")
    var profile: String?

    @Argument(help: "The server as host:port, as the configuration names it.")
    var address: String

    @Argument(help: "The accepted server key(s), sha256//BASE64 (several during a rotation).")
    var pins: [String]

    func run() async throws {
        var options = ConnectionOptions()
        options.config = self.config
        options.profile = self.profile
        let path = try options.configurationPath()
        guard !self.pins.isEmpty else { throw ValidationError("give the new pin, e.g. sha256//BASE64") }
        let fingerprints = try self.pins.map { text in
            do { return try Fingerprint(parsing: text) } catch { throw ValidationError("pin \(text): \(error)") }
        }
        guard FileManager.default.fileExists(atPath: path) else {
            throw ChatClientError(
                .configuration,
                "\(path) does not exist; write it first with: "
                    + ([ProgramName.current, "setup"] + options.selection + ["--pin", self.pins[0], "--cert FILE --key FILE …"]).joined(separator: " "))
        }
        let current = try ClientConfiguration.load(path: path, missingIsEmpty: false)
        guard current.serverAddress.lowercased() == self.address.lowercased() else {
            throw ChatClientError(
                .configuration,
                "\(path) is for \(current.serverAddress), not \(self.address); give the --profile or --config of that server, or the address \(current.serverAddress)")
        }
        try ClientConfiguration.updatePins(fingerprints, inFileAt: path)
        Output.line("\(path): pin = \(fingerprints.map(\.description).joined(separator: ", ")) for \(current.serverAddress); nothing else changed")
    }
}
