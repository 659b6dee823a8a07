import ArgumentParser
import ChatClient
import Foundation

/// `securechat`: the terminal client. Exit status 0 ok, 1 runtime failure, 2 usage.
struct SecureChat: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "securechat",
        abstract: "Chat on a SecureChat server over mutual TLS.",
        discussion: """
            Examples:
              securechat setup --server chat.example.com --cert me.crt --key me.key
              securechat                       # chat: text, @bob text, /help
              securechat send --to '#lobby' 'deploy done'
              make test 2>&1 | securechat send --to bob
              securechat tail '#lobby' | jq .text
              securechat tail --since 1h '#ops' # the last hour first, then live
              securechat setup --profile bob --cert bob.crt --key bob.key   # a second user
              securechat -p bob                # chat as bob
              securechat pin chat.example.com:6697 sha256//NEW=   # only the pin changes
              securechat forget chat.example.com:6697

            Settings come from ~/.config/securechat/config.toml ($XDG_CONFIG_HOME is \
            honoured, --config names another file, --profile NAME (-p) the file \
            profiles/NAME/config.toml beside it); flags override it. The server's key \
            is checked against pin = [...] or, without pins, against known_servers \
            (asked on first contact when interactive; scripts must configure a pin).

            Exit status: 0 ok, 1 runtime failure (one line on stderr), 2 usage.
            """,
        subcommands: [Interactive.self, Setup.self, Send.self, Tail.self, Pin.self, Forget.self],
        defaultSubcommand: Interactive.self
    )
}

@main
enum Main {
    static func main() async {
        do {
            var command = try SecureChat.parseAsRoot()
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
            exit(0)
        } catch let error as ChatClientError {
            Output.error(error.reason)
            exit(1)
        } catch {
            let code = SecureChat.exitCode(for: error)
            let message = SecureChat.fullMessage(for: error)
            if code == .success {
                if !message.isEmpty { print(message) }
                exit(0)
            }
            if !message.isEmpty { Output.error(message) }
            exit(code == .validationFailure ? 2 : code.rawValue)
        }
    }
}
