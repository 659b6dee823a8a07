import Foundation
import IRC

extension HubState {
    /// WHOWAS <nick> [<count>]
    ///
    /// The nick's last departures (going offline, or renamed away), newest first, at most
    /// `count` when it is positive: 314 and 312 for each, then 369; 406 and 369 when the
    /// log (``WhowasLog``, the last 1,000 departures, in memory) has none.
    mutating func whowasQuery(_ command: HubCommandContext, into replies: inout HubResponseBuffer) {
        let nick = command.params[0]
        let asked = command.params.count > 1 ? Int(command.params[1]) ?? 0 : 0
        let found = whowas.entries(for: nick, limit: asked > 0 ? asked : WhowasLog.capacity)
        if found.isEmpty {
            replies.numeric(.ERR_WASNOSUCHNICK, nick, "There was no such nickname")
        }
        for entry in found {
            replies.numeric(.RPL_WHOWASUSER, entry.nick, entry.user, entry.host, "*", entry.realname)
            replies.numeric(
                .RPL_WHOISSERVER, entry.nick, server.rawValue, Self.serverTime(entry.departedAt).tagValue
            )
        }
        replies.numeric(.RPL_ENDOFWHOWAS, nick, "End of WHOWAS")
    }

    /// Notes that `nick` left; `source` is the prefix it had.
    mutating func rememberDeparture(nick: String, source: IRCSource, realname: String, now: Date) {
        let raw = source.rawValue
        let afterBang = raw.split(separator: "!", maxSplits: 1).last.map(String.init) ?? raw
        let parts = afterBang.split(separator: "@", maxSplits: 1).map(String.init)
        whowas.append(
            WhowasLog.Entry(
                nick: nick, user: parts.first ?? "*", host: parts.count > 1 ? parts[1] : "*", realname: realname,
                departedAt: now
            )
        )
    }
}
