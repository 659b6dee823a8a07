import ArgumentParser

@main
struct SecureChatServer: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "securechat-server",
        abstract: "The SecureChat hub: chat over mutual TLS, nicknames bound to client certificates.",
        discussion: """
            Examples:
              securechat-server check --cert certs/server/localhost.pem --key certs/server/localhost.key \\
                  --client-ca certs/ca.pem --client-cert certs/clients/alice.pem --client-key certs/clients/alice.key
            """,
        subcommands: [CheckCommand.self]
    )
}
