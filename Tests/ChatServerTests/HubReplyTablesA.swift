import Testing

/// Commands alice sends and the exact lines she is answered, in one table per topic; a
/// fresh hub for each row, with alice registered first.
@Suite struct HubReplyTableTests {
    @Test(arguments: labeledResponses + monitor + serverInformation)
    func aliceIsAnsweredExactly(_ exchange: ReplyCase) {
        exchange.check()
    }
}

extension HubReplyTableTests {
    /// labeled-response: the label goes on the one reply, on the batch of several, or on an ACK.
    static let labeledResponses: [ReplyCase] = [
        ReplyCase("a labeled command without a response is acknowledged", caps: "labeled-response batch",
                  send: "@label=a1 PONG :x", replies: ["@label=a1 :securechat.local ACK"]),
        ReplyCase("a one-line response carries the label", caps: "labeled-response batch",
                  send: "@label=p1 PING :tok", replies: ["@label=p1 :securechat.local PONG securechat.local tok"]),
        ReplyCase("a longer labeled response comes in a labeled-response batch", caps: "labeled-response batch",
                  send: "@label=w1 WHOIS bob", replies: [
                      "@label=w1 :securechat.local BATCH +l1 labeled-response",
                      "@batch=l1 :securechat.local 401 alice bob :No such nick/channel",
                      "@batch=l1 :securechat.local 318 alice bob :End of /WHOIS list",
                      ":securechat.local BATCH -l1",
                  ]),
        ReplyCase("without batch only the first line of a labeled response is labeled", caps: "labeled-response",
                  send: "@label=w1 WHOIS bob", replies: [
                      "@label=w1 :securechat.local 401 alice bob :No such nick/channel",
                      ":securechat.local 318 alice bob :End of /WHOIS list",
                  ]),
        ReplyCase("without labeled-response the label is ignored",
                  send: "@label=a1 PING :tok", replies: [":securechat.local PONG securechat.local tok"]),
        ReplyCase("a labeled message without echo is acknowledged", caps: "labeled-response batch",
                  send: "@label=m2 PRIVMSG #lobby :hi", replies: ["@label=m2 :securechat.local ACK"]),
    ]

    /// MONITOR's answers that need no one to connect or leave.
    static let monitor: [ReplyCase] = [
        ReplyCase("MONITOR + answers who is online and offline", peers: ["bob"], send: "MONITOR + bob,carol", replies: [
            ":securechat.local 730 alice bob!bob@192.0.2.1",
            ":securechat.local 731 alice carol",
        ]),
        ReplyCase("MONITOR without a nick list, or with an unknown subcommand, is an error",
                  send: "MONITOR +", "MONITOR X", replies: [
            ":securechat.local 461 alice MONITOR :Not enough parameters",
            ":securechat.local 421 alice MONITOR :Unknown MONITOR subcommand X; use + - C L or S",
        ]),
    ]

    /// TIME and HELP.
    static let serverInformation: [ReplyCase] = [
        ReplyCase("TIME answers 391, and 402 for another server", send: "TIME", "TIME elsewhere", replies: [
            ":securechat.local 391 alice securechat.local 1700000000 0 2023-11-14T22:13:20.000Z",
            ":securechat.local 402 alice elsewhere :No such server",
        ]),
        ReplyCase("HELP on a command in any case answers 704, 705 and 706", send: "HELP privmsg", replies: [
            ":securechat.local 704 alice PRIVMSG :PRIVMSG <target>{,<target>} <text>",
            ":securechat.local 705 alice PRIVMSG :Sends to a channel or a nick (kept for an allowlisted nick offline)",
            ":securechat.local 706 alice PRIVMSG :End of /HELP",
        ]),
        ReplyCase("HELPOP on an unknown topic answers 524", send: "HELPOP frob", replies: [
            ":securechat.local 524 alice frob :No help available on this topic",
        ]),
    ]
}
