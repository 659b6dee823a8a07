import ArgumentParser

@main
struct SecureChatServer: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "securechat-server",
        abstract: "The SecureChat hub: IRC over mutual TLS, nicknames bound to client certificates.",
        discussion: """
            Examples:
              securechat-server --cert certs/server/localhost.pem --key certs/server/localhost.key \\
                  --client-ca certs/ca.pem --crl certs/crl.pem --allowlist certs/allowlist --host 127.0.0.1
              securechat-server --config /etc/securechat/server.toml
              securechat-server check --cert … --key … --client-ca … --client-cert … --client-key …

            Signals: SIGHUP reloads the allowlist and the TLS files; SIGTERM or SIGINT shut down
            gracefully (every client gets "ERROR :Server shutting down" and a TLS close_notify).
            The allowlist is also reloaded when its file changes on disk.
            """,
        subcommands: [ServeCommand.self, CheckCommand.self],
        defaultSubcommand: ServeCommand.self
    )
}
