import Foundation
import IRC
import TLS

extension HubState {
    /// The user and its oldest session, which stands for it in WHO, WHOIS and USERHOST.
    func describe(_ id: UserID) -> (HubUser, HubSession)? {
        guard let user = users[id], let oldest = user.sessions.first, let session = sessions[oldest] else { return nil }
        return (user, session)
    }

    /// WHOIS [<target>] <nick>{,<nick>}
    ///
    /// One answer per nick, however many sessions hold it: `user@host`, real name and
    /// account of its oldest session; channels, away, idle time (since the last PRIVMSG
    /// or NOTICE from any session) and signon time (when the nick came online) of the
    /// nick; secret channels (`+s`) only to their members and the nick itself. The
    /// certificate fingerprint (276) is shown to the nick's own sessions only, each being
    /// shown its own certificate's.
    mutating func whois(_ command: HubCommandContext, into replies: inout HubResponseBuffer) {
        let nicksAsked = command.params[command.params.count - 1]
        let asker = sessions.read(command.session) {
            ($0.userID, $0.identity.certificateFingerprint, multiPrefix: $0.capabilities.contains(.multiPrefix))
        }
        for asked in Self.commaList(nicksAsked) {
            guard let id = user(named: asked), let (user, session) = describe(id) else {
                replies.numeric(.ERR_NOSUCHNICK, asked, "No such nick/channel")
                replies.numeric(.RPL_ENDOFWHOIS, asked, "End of /WHOIS list")
                continue
            }
            let nick = user.nick
            replies.numeric(.RPL_WHOISUSER, nick, session.user ?? "*", session.host, "*", session.realname)
            replies.numeric(.RPL_WHOISSERVER, nick, server.rawValue, configuration.networkName)
            if let operatorClass = operatorClass(ofUser: id) {
                replies.numeric(.RPL_WHOISOPERATOR, nick, "is an IRC operator (\(operatorClass.rawValue))")
            }
            let channelList = user.channels.compactMap { key -> String? in
                guard let channel = channels[key], asker?.0 == id || channelIsVisible(channel, to: asker?.0) else { return nil }
                return channel.prefixes(of: id, all: asker?.multiPrefix ?? false) + channel.name
            }
            if !channelList.isEmpty {
                replies.numeric(.RPL_WHOISCHANNELS, nick, channelList.joined(separator: " "))
            }
            if let away = user.awayMessage {
                replies.numeric(.RPL_AWAY, nick, away)
            }
            if user.isBot {
                replies.numeric(.RPL_WHOISBOT, nick, "is a bot")
            }
            replies.numeric(.RPL_WHOISACCOUNT, nick, session.account, "is logged in as")
            replies.numeric(.RPL_WHOISSECURE, nick, "is using a secure connection")
            if let asker, asker.0 == id {
                replies.numeric(.RPL_WHOISCERTFP, nick, "has client certificate fingerprint \(asker.1.hex)")
            }
            let idle = max(0, Int(command.now.timeIntervalSince(user.lastMessageAt)))
            replies.numeric(
                .RPL_WHOISIDLE, nick, String(idle), Self.unixSeconds(user.signedOnAt), "seconds idle, signon time"
            )
            replies.numeric(.RPL_ENDOFWHOIS, nick, "End of /WHOIS list")
        }
    }

    /// ISON <nickname>{ <nickname>}
    mutating func ison(_ command: HubCommandContext, into replies: inout HubResponseBuffer) {
        let present = command.params.flatMap { $0.split(separator: " ") }.compactMap { asked in
            user(named: String(asked)).flatMap { users.read($0) { $0.nick } }
        }
        replies.numeric(.RPL_ISON, present.joined(separator: " "))
    }

    /// USERHOST <nickname>{ <nickname>}
    ///
    /// At most five nicks are answered, as RFC 2812 says; each with its oldest session's
    /// `user@host`, `*` after a server operator's nick and `-` when away (`+` otherwise).
    mutating func userhost(_ command: HubCommandContext, into replies: inout HubResponseBuffer) {
        let asked = command.params.flatMap { $0.split(separator: " ") }.prefix(5)
        let answers = asked.compactMap { nick -> String? in
            guard let id = user(named: String(nick)), let (user, session) = describe(id) else { return nil }
            let away = user.awayMessage == nil ? "+" : "-"
            let serverOperator = operatorClass(ofUser: user.id) == nil ? "" : "*"
            return "\(user.nick)\(serverOperator)=\(away)\(session.user ?? "*")@\(session.host)"
        }
        replies.numeric(.RPL_USERHOST, answers.joined(separator: " "))
    }

    /// LUSERS
    mutating func lusers(_ command: HubCommandContext, into replies: inout HubResponseBuffer) {
        sendLusers(into: &replies)
    }

    /// MOTD [<target>]
    mutating func motd(_ command: HubCommandContext, into replies: inout HubResponseBuffer) {
        sendMOTD(into: &replies)
    }

    /// RPL_LUSERCLIENT, RPL_LUSERCHANNELS, RPL_LUSERME, RPL_LOCALUSERS and RPL_GLOBALUSERS.
    ///
    /// Users are nicks online (251, split by user mode `i`; 265 and 266 with the most
    /// there were at once, the same on a network of one server); clients are registered
    /// sessions (255), so one nick with a laptop and a phone is one user and two clients.
    func sendLusers(into replies: inout HubResponseBuffer) {
        var visible = 0
        var invisible = 0
        var clients = 0
        // Runs at every registration: over thousands of users, copying each would cost
        // more than the rest of the registration.
        users.forEach { user in
            if user.isInvisible { invisible += 1 } else { visible += 1 }
            clients += user.sessions.count
        }
        replies.numeric(.RPL_LUSERCLIENT, "There are \(visible) users and \(invisible) invisible on 1 servers")
        replies.numeric(.RPL_LUSERCHANNELS, String(channels.count), "channels formed")
        replies.numeric(.RPL_LUSERME, "I have \(clients) clients and 0 servers")
        let current = visible + invisible
        let most = max(maxUserCount, current)
        replies.numeric(.RPL_LOCALUSERS, String(current), String(most), "Current local users \(current), max \(most)")
        replies.numeric(.RPL_GLOBALUSERS, String(current), String(most), "Current global users \(current), max \(most)")
    }

    /// The message of the day (375, 372 per line, 376), or 422 when there is none.
    func sendMOTD(into replies: inout HubResponseBuffer) {
        guard let lines = configuration.motd else {
            replies.numeric(.ERR_NOMOTD, "MOTD File is missing")
            return
        }
        replies.numeric(.RPL_MOTDSTART, "- \(server) Message of the day - ")
        for line in lines {
            // Room for the source, numeric and a 30-byte nick within 510 bytes.
            replies.numeric(.RPL_MOTD, "- " + Self.truncated(line, toBytes: 400))
        }
        replies.numeric(.RPL_ENDOFMOTD, "End of /MOTD command.")
    }
}
