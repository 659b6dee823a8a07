import Foundation
import IRC

extension HubState {
    /// JOIN <channel>{,<channel>} [<key>{,<key>}]
    /// JOIN 0
    ///
    /// Keys are ignored (no channel has one). `0` parts every channel, the default one too.
    mutating func join(_ command: HubCommandContext, into replies: inout HubResponseBuffer) {
        if command.params[0] == "0" {
            for key in sessions[command.session]?.channels ?? [] {
                guard let channel = channels[key] else { continue }
                part(channel, session: command.session, reason: nil, now: command.now, into: &replies)
            }
            return
        }
        for name in Self.commaList(command.params[0]) {
            join(name, session: command.session, now: command.now, into: &replies)
        }
    }

    /// Puts the session on the channel, creating it (with the session as operator) if
    /// needed; everyone on it sees the JOIN, then the joiner gets the topic and NAMES.
    mutating func join(_ name: String, session: SessionID, now: Date, into replies: inout HubResponseBuffer) {
        guard let client = sessions[session] else { return }
        guard IRCName.isValidChannelName(name) else {
            replies.numeric(.ERR_BADCHANMASK, name, "Bad Channel Mask")
            return
        }
        let key = IRCCaseMapping.fold(name)
        var channel = channels[key] ?? ChatChannel(name: name, createdAt: now, isDefault: false)
        guard !channel.contains(session) else { return }
        guard client.channels.count < configuration.maxChannelsPerUser else {
            replies.numeric(.ERR_TOOMANYCHANNELS, name, "You have joined too many channels")
            return
        }
        channel.add(session, asOperator: channel.isEmpty && !channel.isDefault)
        channels[key] = channel
        sessions[session]?.channels.append(key)

        let announcement = IRCMessage(source: client.source, command: "JOIN", params: [channel.name])
        deliver(announcement, to: deliveryGroups(of: channel.members), now: now, into: &replies)
        if let topic = channel.topic {
            replies.numeric(.RPL_TOPIC, channel.name, topic.text)
            replies.numeric(.RPL_TOPICWHOTIME, channel.name, topic.setBy, Self.unixSeconds(topic.setAt))
        }
        sendNames(of: channel, into: &replies)
    }

    /// PART <channel>{,<channel>} [<reason>]
    mutating func part(_ command: HubCommandContext, into replies: inout HubResponseBuffer) {
        let reason = command.params.count > 1 && !command.params[1].isEmpty ? command.params[1] : nil
        for name in Self.commaList(command.params[0]) {
            guard let channel = channels[IRCCaseMapping.fold(name)] else {
                replies.numeric(.ERR_NOSUCHCHANNEL, name, "No such channel")
                continue
            }
            guard channel.contains(command.session) else {
                replies.numeric(.ERR_NOTONCHANNEL, channel.name, "You're not on that channel")
                continue
            }
            part(channel, session: command.session, reason: reason, now: command.now, into: &replies)
        }
    }

    /// Announces the PART to every member, the leaver included, then removes the leaver.
    mutating func part(_ channel: ChatChannel, session: SessionID, reason: String?, now: Date, into replies: inout HubResponseBuffer) {
        guard let client = sessions[session] else { return }
        let params = [channel.name] + (reason.map { [$0] } ?? [])
        deliver(IRCMessage(source: client.source, command: "PART", params: params), to: deliveryGroups(of: channel.members), now: now, into: &replies)
        leave(session, channel: channel.key)
    }

    /// TOPIC <channel> [<topic>]
    ///
    /// Anyone may read a topic (every channel is public); setting it needs membership,
    /// and operator status except on the default channel. An empty topic clears it.
    mutating func topic(_ command: HubCommandContext, into replies: inout HubResponseBuffer) {
        guard let client = sessions[command.session] else { return }
        let name = command.params[0]
        guard var channel = channels[IRCCaseMapping.fold(name)] else {
            replies.numeric(.ERR_NOSUCHCHANNEL, name, "No such channel")
            return
        }
        guard command.params.count > 1 else {
            if let topic = channel.topic {
                replies.numeric(.RPL_TOPIC, channel.name, topic.text)
                replies.numeric(.RPL_TOPICWHOTIME, channel.name, topic.setBy, Self.unixSeconds(topic.setAt))
            } else {
                replies.numeric(.RPL_NOTOPIC, channel.name, "No topic is set")
            }
            return
        }
        guard channel.contains(command.session) else {
            replies.numeric(.ERR_NOTONCHANNEL, channel.name, "You're not on that channel")
            return
        }
        guard !channel.topicIsProtected || channel.isOperator(command.session) else {
            replies.numeric(.ERR_CHANOPRIVSNEEDED, channel.name, "You're not channel operator")
            return
        }
        let text = Self.truncated(command.params[1], toBytes: configuration.topicLength)
        channel.topic = text.isEmpty ? nil : ChatChannel.Topic(text: text, setBy: client.replyTarget, setAt: command.now)
        channels[channel.key] = channel
        let announcement = IRCMessage(source: client.source, command: "TOPIC", params: [channel.name, text])
        deliver(announcement, to: deliveryGroups(of: channel.members), now: command.now, into: &replies)
    }

    /// NAMES [<channel>{,<channel>}]
    ///
    /// Without a parameter, lists every channel and ends with one `366 *`.
    mutating func names(_ command: HubCommandContext, into replies: inout HubResponseBuffer) {
        guard let list = command.params.first, !list.isEmpty else {
            for channel in channels.values.sorted(by: { $0.key < $1.key }) {
                sendNames(of: channel, ending: false, into: &replies)
            }
            replies.numeric(.RPL_ENDOFNAMES, "*", "End of /NAMES list")
            return
        }
        for name in Self.commaList(list) {
            if let channel = channels[IRCCaseMapping.fold(name)] {
                sendNames(of: channel, into: &replies)
            } else {
                replies.numeric(.RPL_ENDOFNAMES, name, "End of /NAMES list")
            }
        }
    }

    /// RPL_NAMREPLY lines in join order, operators prefixed with `@`, each line at most
    /// 510 bytes before its CRLF; then RPL_ENDOFNAMES unless `ending` is false.
    func sendNames(of channel: ChatChannel, ending: Bool = true, into replies: inout HubResponseBuffer) {
        // ":server 353 target = #channel :" then the names
        let fixed = 1 + server.rawValue.utf8.count + 5 + replies.target.utf8.count + 3 + 1 + channel.name.utf8.count + 2
        let budget = IRCLimits.maxBodyBytesWithoutLineEnding - fixed
        var line = ""
        for member in channel.members {
            guard let nick = sessions[member]?.nick else { continue }
            let entry = channel.isOperator(member) ? "@" + nick : nick
            if !line.isEmpty && line.utf8.count + 1 + entry.utf8.count > budget {
                replies.numeric(.RPL_NAMREPLY, "=", channel.name, line)
                line = ""
            }
            line += line.isEmpty ? entry : " " + entry
        }
        if !line.isEmpty {
            replies.numeric(.RPL_NAMREPLY, "=", channel.name, line)
        }
        if ending {
            replies.numeric(.RPL_ENDOFNAMES, channel.name, "End of /NAMES list")
        }
    }

    /// LIST [<channel>{,<channel>}]
    ///
    /// RPL_LIST for each channel (all, by name, or the ones asked for), then RPL_LISTEND;
    /// no RPL_LISTSTART, which modern.ircdocs.horse leaves optional.
    mutating func list(_ command: HubCommandContext, into replies: inout HubResponseBuffer) {
        let listed: [ChatChannel]
        if let names = command.params.first, !names.isEmpty {
            listed = Self.commaList(names).compactMap { channels[IRCCaseMapping.fold($0)] }
        } else {
            listed = channels.values.sorted { $0.key < $1.key }
        }
        for channel in listed {
            replies.numeric(.RPL_LIST, channel.name, String(channel.memberCount), channel.topic?.text ?? "")
        }
        replies.numeric(.RPL_LISTEND, "End of /LIST")
    }

    /// KICK <channel> <user>{,<user>} [<comment>]
    mutating func kick(_ command: HubCommandContext, into replies: inout HubResponseBuffer) {
        guard let client = sessions[command.session] else { return }
        let name = command.params[0]
        guard let channel = channels[IRCCaseMapping.fold(name)] else {
            replies.numeric(.ERR_NOSUCHCHANNEL, name, "No such channel")
            return
        }
        guard channel.contains(command.session) else {
            replies.numeric(.ERR_NOTONCHANNEL, channel.name, "You're not on that channel")
            return
        }
        guard channel.isOperator(command.session) else {
            replies.numeric(.ERR_CHANOPRIVSNEEDED, channel.name, "You're not channel operator")
            return
        }
        let comment = command.params.count > 2 && !command.params[2].isEmpty ? command.params[2] : client.replyTarget
        for nick in Self.commaList(command.params[1]) {
            guard let target = registeredSession(named: nick), let targetNick = sessions[target]?.nick else {
                replies.numeric(.ERR_NOSUCHNICK, nick, "No such nick/channel")
                continue
            }
            guard let current = channels[channel.key], current.contains(target) else {
                replies.numeric(.ERR_USERNOTINCHANNEL, targetNick, channel.name, "They aren't on that channel")
                continue
            }
            let announcement = IRCMessage(source: client.source, command: "KICK", params: [channel.name, targetNick, comment])
            deliver(announcement, to: deliveryGroups(of: current.members), now: command.now, into: &replies)
            leave(target, channel: channel.key)
        }
    }
}
