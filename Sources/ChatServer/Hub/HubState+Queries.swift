import Foundation
import IRC
import TLS

extension HubState {
    /// WHO <mask>
    ///
    /// The mask is a channel or a nick, matched exactly (no wildcards).
    mutating func who(_ command: HubCommandContext, into replies: inout HubResponseBuffer) {
        let mask = command.params[0]
        if mask.hasPrefix("#") {
            if let channel = channels[IRCCaseMapping.fold(mask)] {
                for member in channel.members {
                    guard let session = sessions[member] else { continue }
                    sendWhoReply(for: session, channel: channel.name, isOperator: channel.isOperator(member), into: &replies)
                }
            }
        } else if let id = registeredSession(named: mask), let session = sessions[id] {
            sendWhoReply(for: session, channel: "*", isOperator: false, into: &replies)
        }
        replies.numeric(.RPL_ENDOFWHO, mask, "End of WHO list")
    }

    private func sendWhoReply(for session: HubSession, channel: String, isOperator: Bool, into replies: inout HubResponseBuffer) {
        let flags = (session.awayMessage == nil ? "H" : "G") + (isOperator ? "@" : "")
        replies.numeric(
            .RPL_WHOREPLY, channel, session.user ?? "*", session.host, server.rawValue, session.replyTarget, flags,
            "0 \(session.realname)"
        )
    }

    /// WHOIS [<target>] <nick>{,<nick>}
    ///
    /// The certificate fingerprint (276) is shown to its owner only.
    mutating func whois(_ command: HubCommandContext, into replies: inout HubResponseBuffer) {
        let nicksAsked = command.params[command.params.count - 1]
        for asked in Self.commaList(nicksAsked) {
            guard let id = registeredSession(named: asked), let session = sessions[id] else {
                replies.numeric(.ERR_NOSUCHNICK, asked, "No such nick/channel")
                replies.numeric(.RPL_ENDOFWHOIS, asked, "End of /WHOIS list")
                continue
            }
            let nick = session.replyTarget
            replies.numeric(.RPL_WHOISUSER, nick, session.user ?? "*", session.host, "*", session.realname)
            replies.numeric(.RPL_WHOISSERVER, nick, server.rawValue, configuration.networkName)
            let channelList = session.channels.compactMap { key -> String? in
                guard let channel = channels[key] else { return nil }
                return (channel.isOperator(id) ? "@" : "") + channel.name
            }
            if !channelList.isEmpty {
                replies.numeric(.RPL_WHOISCHANNELS, nick, channelList.joined(separator: " "))
            }
            if let away = session.awayMessage {
                replies.numeric(.RPL_AWAY, nick, away)
            }
            replies.numeric(.RPL_WHOISACCOUNT, nick, session.account, "is logged in as")
            replies.numeric(.RPL_WHOISSECURE, nick, "is using a secure connection")
            if id == command.session {
                replies.numeric(
                    .RPL_WHOISCERTFP, nick,
                    "has client certificate fingerprint \(session.identity.certificateFingerprint.hex)"
                )
            }
            let idle = max(0, Int(command.now.timeIntervalSince(session.lastMessageAt)))
            replies.numeric(
                .RPL_WHOISIDLE, nick, String(idle), Self.unixSeconds(session.connectedAt), "seconds idle, signon time"
            )
            replies.numeric(.RPL_ENDOFWHOIS, nick, "End of /WHOIS list")
        }
    }

    /// ISON <nickname>{ <nickname>}
    mutating func ison(_ command: HubCommandContext, into replies: inout HubResponseBuffer) {
        let present = command.params.flatMap { $0.split(separator: " ") }.compactMap { asked in
            registeredSession(named: String(asked)).flatMap { sessions[$0]?.nick }
        }
        replies.numeric(.RPL_ISON, present.joined(separator: " "))
    }

    /// USERHOST <nickname>{ <nickname>}
    ///
    /// At most five nicks are answered, as RFC 2812 says.
    mutating func userhost(_ command: HubCommandContext, into replies: inout HubResponseBuffer) {
        let asked = command.params.flatMap { $0.split(separator: " ") }.prefix(5)
        let answers = asked.compactMap { nick -> String? in
            guard let id = registeredSession(named: String(nick)), let session = sessions[id] else { return nil }
            let away = session.awayMessage == nil ? "+" : "-"
            return "\(session.replyTarget)=\(away)\(session.user ?? "*")@\(session.host)"
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

    /// RPL_LUSERCLIENT, RPL_LUSERCHANNELS and RPL_LUSERME for registered users.
    func sendLusers(into replies: inout HubResponseBuffer) {
        var visible = 0
        var invisible = 0
        // Runs at every registration: over thousands of sessions, copying each would cost
        // more than the rest of the registration.
        sessions.forEach { session in
            guard session.isRegistered else { return }
            if session.isInvisible { invisible += 1 } else { visible += 1 }
        }
        replies.numeric(.RPL_LUSERCLIENT, "There are \(visible) users and \(invisible) invisible on 1 servers")
        replies.numeric(.RPL_LUSERCHANNELS, String(channels.count), "channels formed")
        replies.numeric(.RPL_LUSERME, "I have \(visible + invisible) clients and 0 servers")
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
