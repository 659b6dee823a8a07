import ArgumentParser

/// `securechat-bench`: load scenarios against an IRC server over mutual TLS, one JSON line
/// of figures per scenario on standard output.
@main
struct SecureChatBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "securechat-bench",
        abstract: "Measure an IRC server over mutual TLS: handshakes, idle connections, channel fan-out, private messages, a connection storm during chat, acknowledged (stored) messages, history queries.",
        discussion: """
            Examples (one JSON line per run on standard output):

              securechat-bench certs --dir pki --users 1000
              securechat-bench handshake -c 16 -t 5 --port 6697 --ca pki/ca.pem --cert pki/clients --key pki/client.key --server-pid 1234
              securechat-bench fanout -m 100 -s 10 -k 1000 --port 6697 --ca pki/ca.pem --cert pki/clients --key pki/client.key
              securechat-bench storm -m 50 -n 3000 --rate 500 --port 6697 --ca pki/ca.pem --cert pki/clients --key pki/client.key
              securechat-bench history -s 50 -k 2000 --rate 20000 --database data/history.sqlite --port 6697 --ca pki/ca.pem --cert pki/clients --key pki/client.key
              securechat-bench seed-history --data-dir data -n 1000000   # before the server starts, then:
              securechat-bench chathistory -q 200 --channel '#seed-0' --port 6697 --ca pki/ca.pem --cert pki/clients --key pki/client.key
              securechat-bench filter --filter filter.toml -n 1000000   # the offensive-text filter's scan alone, no server

            --cert is either one certificate for every user, or a folder holding NICK.pem for each user (what `certs` writes), so that each nick presents its own certificate. Figures are printed, never judged: each line says whether the generator itself was the bottleneck (generator_saturated). scripts/bench.sh runs every scenario against SecureChat, InspIRCd and ngIRCd.
            """,
        subcommands: [
            CertsCommand.self, HandshakeCommand.self, HoldCommand.self, FanoutCommand.self, PrivmsgCommand.self,
            StormCommand.self, HistoryCommand.self, SeedHistoryCommand.self, ChatHistoryCommand.self, FilterCommand.self,
        ]
    )
}
