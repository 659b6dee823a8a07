import Foundation
import HistoryStore
import IRC
import Moderation

extension HubState {
    /// JOIN <channel>{,<channel>} [<key>{,<key>}]
    /// JOIN 0
    ///
    /// The n-th key goes with the n-th channel (`+k`). `0` parts every channel, the
    /// default one too. Channels belong to the nick: every session of it joins and parts
    /// with the one that asked.
    mutating func join(_ command: HubCommandContext, into replies: inout HubResponseBuffer) {
        if command.params[0] == "0" {
            guard let user = sessions.read(command.session, { $0.userID }) ?? nil else { return }
            for key in users.read(user, { $0.channels }) ?? [] {
                guard let channel = channels[key] else { continue }
                part(channel, session: command.session, reason: nil, now: command.now, into: &replies)
            }
            return
        }
        // Split keeping empty items, so that `JOIN #a,#b ,key` gives #b its key.
        let keys = command.params.count > 1 ? command.params[1].split(separator: ",", omittingEmptySubsequences: false) : []
        for (index, name) in Self.commaList(command.params[0]).enumerated() {
            let key = index < keys.count && !keys[index].isEmpty ? String(keys[index]) : nil
            join(name, password: key, session: command.session, now: command.now, into: &replies)
        }
    }

    /// Puts the session's nick on the channel, creating it (with the nick as operator) if
    /// needed; everyone on it sees the JOIN, the nick's other sessions included, then each
    /// session of the nick gets the topic and NAMES. `password` is the channel key it
    /// gave; the channel's modes may refuse it
    /// (``joinRefusal(of:to:key:)``).
    mutating func join(_ name: String, password: String? = nil, session: SessionID, now: Date, into replies: inout HubResponseBuffer) {
        guard let (source, user) = sessions.read(session, { ($0.source, $0.userID) }), let user,
            let (joined, own) = users.read(user, { ($0.channels.count, $0.sessions) })
        else { return }
        guard IRCName.isValidChannelName(name) else {
            replies.numeric(.ERR_BADCHANMASK, name, "Bad Channel Mask")
            return
        }
        let key = IRCCaseMapping.fold(name)
        var channel = channels[key] ?? ChatChannel(name: name, createdAt: now, isDefault: false)
        guard !channel.contains(user) else { return }
        guard joined < configuration.maxChannelsPerUser else {
            replies.numeric(.ERR_TOOMANYCHANNELS, name, "You have joined too many channels")
            return
        }
        if let (numeric, text) = joinRefusal(of: user, to: channel, key: password) {
            replies.numeric(numeric, channel.name, text)
            return
        }
        channel.add(user, asOperator: channel.isEmpty && !channel.isDefault)
        channels[key] = channel
        users.update(user) { $0.channels.append(key) }

        announceJoin(of: user, source: source, to: channel, now: now, into: &replies)
        sendTopicAndNames(of: channel, to: own, now: now, into: &replies)
    }

    /// What a client needs after its JOIN: its read marker for the channel (with
    /// draft/read-marker), the topic (332, 333) when there is one, then
    /// NAMES, then the channel's recent history for sessions without draft/chathistory
    /// (``replayRecent(of:to:now:into:)``).
    func sendTopicAndNames(of channel: ChatChannel, to recipients: [SessionID], now: Date, into replies: inout HubResponseBuffer) {
        sendReadMarker(of: channel.key, as: channel.name, to: recipients, into: &replies)
        if let topic = channel.topic {
            replies.numeric(.RPL_TOPIC, channel.name, topic.text, to: recipients)
            replies.numeric(.RPL_TOPICWHOTIME, channel.name, topic.setBy, Self.unixSeconds(topic.setAt), to: recipients)
        }
        sendNames(of: channel, to: recipients, into: &replies)
        replayRecent(of: channel, to: recipients, now: now, into: &replies)
    }

    /// Replay on join: clients that cannot ask for history (irssi, WeeChat) get the
    /// channel's last `replayOnJoin` messages of the last `replayMaxAge`, as first sent,
    /// inside a batch where they negotiated one. Those with draft/chathistory ask for
    /// what they want themselves.
    func replayRecent(of channel: ChatChannel, to recipients: [SessionID], now: Date, into replies: inout HubResponseBuffer) {
        guard configuration.replayOnJoin > 0 else { return }
        // What was said before the JOIN: a message sent after it reaches the session live,
        // and must not come again in the replay, however late the log answers.
        let joinedAt = Self.serverTime(now).millisecondsSinceEpoch
        for session in recipients where sessions.read(session, { !$0.capabilities.contains(.chathistory) }) == true {
            let request = HistoryRequest(
                session: session, subcommand: HistoryRequest.replay, target: channel.name,
                read: .messages(.channel(channel.key), .before(.timestamp(joinedAt))), limit: configuration.replayOnJoin
            )
            replies.append(.queryHistory(request))
        }
    }

    /// The channel named `name`, or nil once 403 (No such channel) is answered.
    func existingChannel(_ name: String, into replies: inout HubResponseBuffer) -> ChatChannel? {
        guard let channel = channels[IRCCaseMapping.fold(name)] else {
            replies.numeric(.ERR_NOSUCHCHANNEL, name, "No such channel")
            return nil
        }
        return channel
    }

    /// The registered sender of a command whose first parameter names a channel (MODE,
    /// TOPIC, KICK): its source, nick and user, and the channel; 403 when there is none.
    func channelCommand(
        _ command: HubCommandContext, into replies: inout HubResponseBuffer
    ) -> (source: IRCSource, nick: String, user: UserID, channel: ChatChannel)? {
        guard let (source, nick, user) = sessions.read(command.session, { ($0.source, $0.replyTarget, $0.userID) }),
            let user,
            let channel = existingChannel(command.params[0], into: &replies)
        else { return nil }
        return (source, nick, user, channel)
    }

    /// PART <channel>{,<channel>} [<reason>]
    mutating func part(_ command: HubCommandContext, into replies: inout HubResponseBuffer) {
        let reason = command.params.count > 1 && !command.params[1].isEmpty ? command.params[1] : nil
        let check = filterCheck(reason, scopes: [.part], session: command.session)
        for name in Self.commaList(command.params[0]) where sessions.contains(command.session) {
            guard let channel = existingChannel(name, into: &replies) else { continue }
            guard let user = sessions.read(command.session, { $0.userID }) ?? nil, channel.contains(user) else {
                replies.numeric(.ERR_NOTONCHANNEL, channel.name, "You're not on that channel")
                continue
            }
            // A reason the filter refuses is left out; the PART itself always happens.
            var shown = reason
            switch applyFilter(check, scope: .part, target: channel.name, channel: channel, now: command.now, into: &replies) {
            case .deliver(let decision): auditDelivered(decision, msgid: nil, now: command.now, into: &replies)
            case .refused: shown = nil
            }
            part(channel, session: command.session, reason: shown, now: command.now, into: &replies)
        }
    }

    /// Announces the PART to every member's sessions, the leaving nick's included, then
    /// takes the nick off the channel.
    mutating func part(_ channel: ChatChannel, session: SessionID, reason: String?, now: Date, into replies: inout HubResponseBuffer) {
        guard let (source, user) = sessions.read(session, { ($0.source, $0.userID) }), let user else { return }
        let params = [channel.name] + (reason.map { [$0] } ?? [])
        let announcement = IRCMessage(source: source, command: "PART", params: params)
        deliver(announcement, to: deliveryGroups(ofChannel: channel.key), now: now, into: &replies)
        leave(user, channel: channel.key)
    }

    /// TOPIC <channel> [<topic>]
    ///
    /// Anyone may read a topic, except a secret channel's (`+s`: 442 for non-members);
    /// setting it needs membership, and operator status while the channel is `+t`. An
    /// empty topic clears it.
    mutating func topic(_ command: HubCommandContext, into replies: inout HubResponseBuffer) {
        guard let (source, nick, user, found) = channelCommand(command, into: &replies) else { return }
        var channel = found
        guard command.params.count > 1 else {
            guard channelIsVisible(channel, to: user) else {
                replies.numeric(.ERR_NOTONCHANNEL, channel.name, "You're not on that channel")
                return
            }
            if let topic = channel.topic {
                replies.numeric(.RPL_TOPIC, channel.name, topic.text)
                replies.numeric(.RPL_TOPICWHOTIME, channel.name, topic.setBy, Self.unixSeconds(topic.setAt))
            } else {
                replies.numeric(.RPL_NOTOPIC, channel.name, "No topic is set")
            }
            return
        }
        guard channel.contains(user) else {
            replies.numeric(.ERR_NOTONCHANNEL, channel.name, "You're not on that channel")
            return
        }
        guard !channel.topicIsProtected || channel.isOperator(user) else {
            replies.numeric(.ERR_CHANOPRIVSNEEDED, channel.name, "You're not channel operator")
            return
        }
        let text = Self.truncated(command.params[1], toBytes: configuration.topicLength)
        let check = filterCheck(text, scopes: [.topic], session: command.session)
        guard case .deliver(let decision) = applyFilter(
            check, scope: .topic, target: channel.name, channel: channel, now: command.now, into: &replies
        ) else { return }
        auditDelivered(decision, msgid: nil, now: command.now, into: &replies)
        channel.topic = text.isEmpty ? nil : ChatChannel.Topic(text: text, setBy: nick, setAt: command.now)
        channels[channel.key] = channel
        let announcement = IRCMessage(source: source, command: "TOPIC", params: [channel.name, text])
        deliver(announcement, to: deliveryGroups(ofChannel: channel.key), now: command.now, into: &replies)
    }

    /// NAMES [<channel>{,<channel>}]
    ///
    /// Without a parameter, lists every channel and ends with one `366 *`. A secret
    /// channel (`+s`) is listed to its members only; others get just its 366.
    mutating func names(_ command: HubCommandContext, into replies: inout HubResponseBuffer) {
        let asker = sessions.read(command.session) { $0.userID } ?? nil
        guard let list = command.params.first, !list.isEmpty else {
            for channel in channels.values.sorted(by: { $0.key < $1.key }) where channelIsVisible(channel, to: asker) {
                sendNames(of: channel, ending: false, into: &replies)
            }
            replies.numeric(.RPL_ENDOFNAMES, "*", "End of /NAMES list")
            return
        }
        for name in Self.commaList(list) {
            if let channel = channels[IRCCaseMapping.fold(name)], channelIsVisible(channel, to: asker) {
                sendNames(of: channel, into: &replies)
            } else {
                replies.numeric(.RPL_ENDOFNAMES, name, "End of /NAMES list")
            }
        }
    }

    /// RPL_NAMREPLY lines in join order, each nick once however many sessions it has,
    /// with its `@` or `+` (both for multi-prefix sessions), each line at most 510 bytes
    /// before its CRLF; then RPL_ENDOFNAMES unless `ending` is false. Sent to
    /// `recipients`, by default the session that asked; those with userhost-in-names get
    /// `nick!user@host` (of the nick's oldest session). The symbol is `@` for a secret
    /// channel, `=` otherwise; to a non-member, users with `+i` are left out.
    func sendNames(
        of channel: ChatChannel, to recipients: [SessionID]? = nil, ending: Bool = true, into replies: inout HubResponseBuffer
    ) {
        let recipients = recipients ?? [replies.session]
        let asker = recipients.first.flatMap { sessions.read($0) { $0.userID } ?? nil }
        let showsInvisible = asker.map(channel.contains) ?? false
        // Recipients grouped by how they want names: all prefixes or the highest, nicks or
        // full sources; each group gets its own lines.
        var groups: [NameStyle: [SessionID]] = [:]
        for recipient in recipients {
            guard let capabilities = sessions.read(recipient, { $0.capabilities }) else { continue }
            let style = NameStyle(
                allPrefixes: capabilities.contains(.multiPrefix), withHosts: capabilities.contains(.userhostInNames)
            )
            groups[style, default: []].append(recipient)
        }
        for style in NameStyle.all {
            guard let group = groups[style] else { continue }
            sendNameLines(of: channel, style: style, showsInvisible: showsInvisible, to: group, into: &replies)
        }
        if ending {
            replies.numeric(.RPL_ENDOFNAMES, channel.name, "End of /NAMES list", to: recipients)
        }
    }

    /// How a session wants NAMES entries: multi-prefix, userhost-in-names.
    struct NameStyle: Hashable {
        let allPrefixes: Bool
        let withHosts: Bool

        static let all = [false, true].flatMap { prefixes in [false, true].map { NameStyle(allPrefixes: prefixes, withHosts: $0) } }
    }

    private func sendNameLines(
        of channel: ChatChannel, style: NameStyle, showsInvisible: Bool, to recipients: [SessionID],
        into replies: inout HubResponseBuffer
    ) {
        let symbol = channel.isSecret ? "@" : "="
        // ":server 353 target = #channel :" then the names
        let fixed = 1 + server.rawValue.utf8.count + 5 + replies.target.utf8.count + 3 + 1 + channel.name.utf8.count + 2
        let budget = IRCLimits.maxBodyBytesWithoutLineEnding - fixed
        var line = ""
        for member in channel.members {
            guard let (nick, isInvisible, oldest) = users.read(member, { ($0.nick, $0.isInvisible, $0.sessions.first) })
            else { continue }
            if isInvisible && !showsInvisible { continue }
            var name = nick
            if style.withHosts, let oldest, let source = sessions.read(oldest, { $0.source.rawValue }) {
                name = source
            }
            let entry = channel.prefixes(of: member, all: style.allPrefixes) + name
            if !line.isEmpty && line.utf8.count + 1 + entry.utf8.count > budget {
                replies.numeric(.RPL_NAMREPLY, symbol, channel.name, line, to: recipients)
                line = ""
            }
            line += line.isEmpty ? entry : " " + entry
        }
        if !line.isEmpty {
            replies.numeric(.RPL_NAMREPLY, symbol, channel.name, line, to: recipients)
        }
    }

    /// LIST [<channel>{,<channel>}]
    ///
    /// RPL_LIST for each channel (all, by name, or the ones asked for), then RPL_LISTEND;
    /// no RPL_LISTSTART, which modern.ircdocs.horse leaves optional. Secret channels
    /// (`+s`) are listed to their members only.
    mutating func list(_ command: HubCommandContext, into replies: inout HubResponseBuffer) {
        let asker = sessions.read(command.session) { $0.userID } ?? nil
        let listed: [ChatChannel]
        if let names = command.params.first, !names.isEmpty {
            listed = Self.commaList(names).compactMap { channels[IRCCaseMapping.fold($0)] }
        } else {
            listed = channels.values.sorted { $0.key < $1.key }
        }
        for channel in listed where channelIsVisible(channel, to: asker) {
            replies.numeric(.RPL_LIST, channel.name, String(channel.memberCount), channel.topic?.text ?? "")
        }
        replies.numeric(.RPL_LISTEND, "End of /LIST")
    }

    /// KICK <channel> <user>{,<user>} [<comment>]
    ///
    /// Kicks the nick: every session of it leaves the channel. A server operator (OPER)
    /// may kick from any channel, without being on it or its operator.
    mutating func kick(_ command: HubCommandContext, into replies: inout HubResponseBuffer) {
        guard let (source, kicker, user, channel) = channelCommand(command, into: &replies) else { return }
        let isServerOperator = operatorClass(of: command.session) != nil
        guard channel.contains(user) || isServerOperator else {
            replies.numeric(.ERR_NOTONCHANNEL, channel.name, "You're not on that channel")
            return
        }
        guard channel.isOperator(user) || isServerOperator else {
            replies.numeric(.ERR_CHANOPRIVSNEEDED, channel.name, "You're not channel operator")
            return
        }
        let comment = command.params.count > 2 && !command.params[2].isEmpty ? command.params[2] : kicker
        for nick in Self.commaList(command.params[1]) {
            guard let target = self.user(named: nick), let targetNick = users.read(target, { $0.nick }) else {
                replies.numeric(.ERR_NOSUCHNICK, nick, "No such nick/channel")
                continue
            }
            guard let current = channels[channel.key], current.contains(target) else {
                replies.numeric(.ERR_USERNOTINCHANNEL, targetNick, channel.name, "They aren't on that channel")
                continue
            }
            let announcement = IRCMessage(source: source, command: "KICK", params: [channel.name, targetNick, comment])
            deliver(announcement, to: deliveryGroups(ofChannel: channel.key), now: command.now, into: &replies)
            leave(target, channel: channel.key)
        }
    }
}
