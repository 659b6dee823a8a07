import ArgumentParser

@main
struct SecureChatServer: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "securechat-server",
        abstract: "The SecureChat hub: IRC over mutual TLS, nicknames bound to client certificates.",
        // Help is wrapped at the terminal's width (80 columns when it is not a terminal):
        // lines here stay shorter, so that examples are printed as written and can be pasted.
        discussion: """
            Examples:
              securechat-server --config /etc/securechat/server.toml
              securechat-server --host 127.0.0.1 --allowlist certs/allowlist \\
                  --cert certs/server/localhost.pem --key certs/server/localhost.key \\
                  --client-ca certs/ca.pem --crl certs/crl.pem
              securechat-server check --cert certs/server/localhost.pem \\
                  --key certs/server/localhost.key --client-ca certs/ca.pem \\
                  --client-cert certs/clients/alice.pem \\
                  --client-key certs/clients/alice.key
              securechat-server history export --config server.toml \\
                  --target '#ops' --since 2026-01-01T00:00:00Z --output ops.jsonl
              securechat-server history purge --config server.toml --nick mallory

              securechat-server filter-test --filter filter.toml "some text"

            Signals: SIGHUP reloads the allowlist, the filter and the TLS files; SIGTERM
            or SIGINT shut down gracefully (every client gets "ERROR :Server shutting
            down" and a TLS close_notify). The allowlist and the filter are also
            reloaded when they change on disk.

            Every flag of the server: securechat-server serve --help
            """,
        subcommands: [ServeCommand.self, CheckCommand.self, HistoryCommand.self, FilterTestCommand.self],
        defaultSubcommand: ServeCommand.self
    )
}
