import ArgumentParser
import ChatClient
import Foundation
import TLS

/// `securechat setup`: writes the configuration file from flags or answers.
struct Setup: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write the configuration file.",
        discussion: """
            Examples:
              securechat setup --server chat.example.com --cert ~/certs/alice.crt --key ~/certs/alice.key --nick alice
              securechat setup        # asks for what flags do not give
              securechat setup --profile bob --cert ~/certs/bob.crt --key ~/certs/bob.key --nick bob
                                      # a second user beside the first; then: securechat -p bob

            An existing configuration file is never replaced without --force; to change
            only the server's pin use securechat pin HOST:PORT sha256//….
            """
    )

    @OptionGroup var options: ConnectionOptions

    @Option(help: "A room to join at start (repeatable).")
    var room: [String] = []

    @Flag(help: "Overwrite an existing configuration file.")
    var force = false

    func run() async throws {
        let path = try self.options.configurationPath()
        if FileManager.default.fileExists(atPath: path), !self.force {
            let existing = try? ClientConfiguration.load(path: path, missingIsEmpty: false)
            let who = existing.map { " (nick \($0.nick.isEmpty ? "from the certificate" : $0.nick) on \($0.serverAddress))" } ?? ""
            let pinCommand = ([ProgramName.current, "pin"] + self.options.selection + [existing?.serverAddress ?? "HOST:PORT", "sha256//…"])
                .joined(separator: " ")
            throw ChatClientError(
                .configuration,
                "\(path) exists\(who) and is kept; for another user on this machine run: \(ProgramName.current) setup --profile NAME … "
                    + "(then \(ProgramName.current) -p NAME); to change only the server's pin: \(pinCommand); "
                    + "--force replaces the file")
        }
        var configuration = (try? ClientConfiguration.load(path: path, missingIsEmpty: true)) ?? ClientConfiguration()
        let asking = isatty(0) == 1
        func value(_ flag: String?, _ question: String, _ current: String) -> String {
            if let flag { return flag }
            guard asking else { return current }
            Output.note("\(question)\(current.isEmpty ? "" : " [\(current)]"): ", newline: false)
            let answer = (readLine() ?? "").trimmingCharacters(in: .whitespaces)
            return answer.isEmpty ? current : answer
        }
        configuration.host = value(self.options.server, "Server host", configuration.host)
        let port = value(self.options.port.map(String.init), "Server port", String(configuration.port))
        guard let portNumber = Int(port), (1...65535).contains(portNumber) else {
            throw ValidationError("the port must be a number from 1 to 65535")
        }
        configuration.port = portNumber
        configuration.certificatePath = Self.absolute(value(self.options.cert, "Your certificate (PEM file)", configuration.certificatePath))
        configuration.privateKeyPath = Self.absolute(value(self.options.key, "Its private key (PEM file)", configuration.privateKeyPath))
        configuration.nick = value(self.options.nick, "Nick (empty: the certificate's name)", configuration.nick)
        let pins = self.options.pin.isEmpty && asking
            ? value(nil, "Server key pin sha256//… (empty: confirm on first connection)", "").split(separator: " ").map(String.init)
            : self.options.pin
        configuration.pins = try pins.map { text in
            do { return try Fingerprint(parsing: text) } catch { throw ValidationError("--pin: \(error)") }
        }
        if !self.room.isEmpty { configuration.rooms = self.room.map { $0.hasPrefix("#") ? $0 : "#" + $0 } }
        guard !configuration.certificatePath.isEmpty, !configuration.privateKeyPath.isEmpty else {
            throw ValidationError("setup needs --cert FILE and --key FILE (or answers to the questions)")
        }
        try configuration.write(toPath: path)
        let selection = self.options.selection.isEmpty ? "" : " " + self.options.selection.map(ProgramName.shellQuoted).joined(separator: " ")
        Output.line("wrote \(path); connect with: \(ProgramName.current)\(selection)")
        ConnectionOptions.warnAboutExpiry(configuration)
    }

    static func absolute(_ path: String) -> String {
        guard !path.isEmpty, !path.hasPrefix("/"), !path.hasPrefix("~") else { return path }
        return FileManager.default.currentDirectoryPath + "/" + path
    }
}
