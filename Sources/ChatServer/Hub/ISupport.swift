import HistoryStore
import IRC

/// The RPL_ISUPPORT (005) tokens and their split into lines.
enum ISupport {
    /// The text after the tokens on every 005 line.
    static let trailing = "are supported by this server"

    /// At most this many tokens per line (15 parameters: the nick, the tokens, the trailing text).
    static let maxTokensPerLine = 13

    /// The tokens this hub announces, in a fixed order.
    static func tokens(for configuration: HubConfiguration) -> [String] {
        let network = configuration.networkName.replacingSpaces()
        return [
            IRCCaseMapping.isupportToken,
            "CHANTYPES=#",
            "CHANNELLEN=\(IRCLimits.channelLength)",
            "NICKLEN=\(IRCLimits.nickLength)",
            "TOPICLEN=\(configuration.topicLength)",
            "PREFIX=(ov)@+",
            ChannelModeTable.isupportChanmodes,
            "MODES=\(ChannelModeTable.maxParameterModes)",
            ChannelModeTable.isupportMaxList,
            "EXCEPTS",
            "INVEX",
            "EXTBAN=~,a",
            "STATUSMSG=@+",
            "CHANLIMIT=#:\(configuration.maxChannelsPerUser)",
            "TARGMAX=PRIVMSG:\(configuration.maxTargets),NOTICE:\(configuration.maxTargets)",
            "NETWORK=\(network)",
            "UTF8ONLY",
            "CHATHISTORY=\(HistoryLimit.maximum)",
            "MSGREFTYPES=msgid,timestamp",
            "MONITOR=\(HubState.monitorLimit)",
            "BOT=B",
        ]
    }

    /// `tokens` in groups that fit one 005 line each: at most ``maxTokensPerLine`` and
    /// at most 510 bytes with the source, numeric, target and trailing text.
    static func lines(_ tokens: [String], server: String, target: String) -> [[String]] {
        // ":server 005 target " + tokens + " :trailing"
        let fixed = 1 + server.utf8.count + 5 + target.utf8.count + 1 + 2 + trailing.utf8.count
        let budget = IRCLimits.maxBodyBytesWithoutLineEnding - fixed
        var lines: [[String]] = []
        var current: [String] = []
        var used = 0
        for token in tokens {
            let size = token.utf8.count + 1
            if !current.isEmpty && (used + size > budget || current.count == maxTokensPerLine) {
                lines.append(current)
                current = []
                used = 0
            }
            current.append(token)
            used += size
        }
        if !current.isEmpty { lines.append(current) }
        return lines
    }
}

extension String {
    /// The text with spaces turned into `-`, for values that must be one token.
    fileprivate func replacingSpaces() -> String {
        String(map { $0 == " " ? "-" : $0 })
    }
}
