import ArgumentParser
import ChatClient

/// `securechat forget host:port`: removes a server's recorded key.
struct Forget: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Remove a server's key from known_servers (after the server's key really changed).",
        discussion: """
            Example:
              securechat forget chat.example.com:6697
            """
    )

    @OptionGroup var options: ConnectionOptions

    @Argument(help: "The server as host:port, as known_servers writes it.")
    var address: String

    func run() async throws {
        guard self.address.contains(":") else {
            throw ValidationError("give the server as host:port, e.g. chat.example.com:6697")
        }
        let configuration = try self.options.configuration()
        var known = try KnownServers(path: configuration.knownServersPath)
        if try known.remove(self.address) {
            Output.line("removed \(self.address) from \(known.path)")
        } else if !configuration.pins.isEmpty {
            throw ChatClientError(
                .knownServers,
                "\(known.path) has no entry for \(self.address): \(configuration.file) pins the server's key instead; "
                    + "change it with: \(configuration.command("pin", self.address, "sha256//…"))")
        } else {
            let others = ((try? known.entries()) ?? []).map(\.address)
            throw ChatClientError(
                .knownServers,
                "\(known.path) has no entry for \(self.address)"
                    + (others.isEmpty ? "" : " (it has: \(others.joined(separator: ", ")))")
                    + "; for another profile or configuration file give --profile NAME or --config FILE")
        }
    }
}
