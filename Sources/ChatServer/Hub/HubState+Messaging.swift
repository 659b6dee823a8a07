import Foundation
import HistoryStore
import IRC
import Moderation

extension HubState {
    /// The three commands that carry a message from one client to others.
    enum RelayKind {
        case privmsg, notice, tagmsg

        var command: String {
            switch self {
            case .privmsg: "PRIVMSG"
            case .notice: "NOTICE"
            case .tagmsg: "TAGMSG"
            }
        }
    }

    /// PRIVMSG <target>{,<target>} <text to be sent>
    /// NOTICE <target>{,<target>} <text to be sent>
    /// TAGMSG <target>{,<target>}
    ///
    /// A channel target reaches every session of every member but the sender; its modes
    /// say who may send (``maySend(_:to:)``, else 404). A nick reaches every session of
    /// that nick. The sender's sibling sessions (the other sessions of its nick) get what
    /// it sent either way, so each of its devices shows the whole conversation; with
    /// echo-message the sender gets its copy too.
    /// Relayed messages keep the sender's `nick!user@host`, gain a `time` tag for
    /// server-time recipients and carry the sender's `+` tags to message-tags
    /// recipients; TAGMSG reaches message-tags recipients only. NOTICE never gets an
    /// error reply. More than `maxTargets` targets: 407, nothing is sent.
    mutating func relay(_ kind: RelayKind, _ command: HubCommandContext, into replies: inout HubResponseBuffer) {
        guard var client = sessions.read(command.session, RelayedMessage.Sender.init) ?? nil else { return }
        let reportsErrors = kind != .notice
        guard let targetList = command.params.first, !targetList.isEmpty else {
            if reportsErrors { replies.numeric(.ERR_NORECIPIENT, "No recipient given (\(kind.command))") }
            return
        }
        var text: String?
        if kind != .tagmsg {
            guard command.params.count > 1, !command.params[1].isEmpty else {
                if reportsErrors { replies.numeric(.ERR_NOTEXTTOSEND, "No text to send") }
                return
            }
            text = command.params[1]
        }
        (client.hasSiblings, client.isBot) = users.update(client.user) { user -> (Bool, Bool) in
            if text != nil { user.lastMessageAt = command.now }
            return (user.sessions.count > 1, user.isBot)
        } ?? (false, false)
        // The filter reads the text once, whatever the number of targets and recipients.
        let check = filterCheck(text, scopes: kind == .notice ? [.notice] : [.channel, .private], session: command.session)
        if configuration.maxTargets >= 1, !targetList.utf8.contains(UInt8(ascii: ",")) {
            // The usual case: one target, nothing to de-duplicate.
            let relayed = RelayedMessage(
                kind: kind, client: client, text: text, clientTags: Self.relayedTags(of: command.message, from: client),
                check: check
            )
            relay(relayed, to: targetList, command, into: &replies)
            return
        }
        var targets: [String] = []
        var seen: Set<String> = []
        for target in Self.commaList(targetList) where seen.insert(IRCCaseMapping.fold(target)).inserted {
            targets.append(target)
        }
        guard targets.count <= configuration.maxTargets else {
            if reportsErrors {
                replies.numeric(
                    .ERR_TOOMANYTARGETS, targets[configuration.maxTargets],
                    "Too many targets; at most \(configuration.maxTargets) are allowed"
                )
            }
            return
        }
        let relayed = RelayedMessage(
            kind: kind, client: client, text: text, clientTags: Self.relayedTags(of: command.message, from: client),
            check: check
        )
        // A filter's disconnect ends the command: the sender is gone.
        for target in targets where sessions.contains(command.session) {
            relay(relayed, to: target, command, into: &replies)
        }
    }

    /// What one PRIVMSG, NOTICE or TAGMSG sends to each of its targets.
    struct RelayedMessage {
        /// What is needed of the sender: copying its whole session retains every field.
        struct Sender {
            let source: IRCSource
            let capabilities: HubCapabilities
            /// The sender's nick; a registered session always has one.
            let user: UserID
            let account: String
            /// Whether the nick has other sessions, which get a copy of what this one sends.
            var hasSiblings = false
            /// User mode `B`: message-tags recipients get a `bot` tag.
            var isBot = false

            /// Nil for a session that is not registered.
            init?(_ session: borrowing HubSession) {
                guard let user = session.userID else { return nil }
                self.source = session.source
                self.capabilities = session.capabilities
                self.user = user
                self.account = session.account
            }
        }

        let kind: RelayKind
        let client: Sender
        let text: String?
        let clientTags: IRCTags
        /// The filter's scan of the text, when some rule may apply.
        let check: FilterCheck?

        var reportsErrors: Bool { kind != .notice }

        /// The filter scope of this message to a channel or a nick.
        func scope(toChannel: Bool) -> FilterScope {
            kind == .notice ? .notice : toChannel ? .channel : .private
        }

        /// The message as relayed to `target` (the channel's or the nick's own spelling).
        func message(to target: String) -> IRCMessage {
            IRCMessage(source: client.source, command: kind.command, params: text.map { [target, $0] } ?? [target])
        }
    }

    private mutating func relay(
        _ relayed: RelayedMessage,
        to target: String,
        _ command: HubCommandContext,
        into replies: inout HubResponseBuffer
    ) {
        if let prefix = target.first, prefix == "@" || prefix == "+", target.dropFirst().hasPrefix("#") {
            relayToStatus(prefix, relayed, of: String(target.dropFirst()), command, into: &replies)
            return
        }
        let key = IRCCaseMapping.fold(target)
        let echo = relayed.client.capabilities.contains(.echoMessage)
        if target.hasPrefix("#") {
            guard let channel = channels[key] else {
                if relayed.reportsErrors { replies.numeric(.ERR_NOSUCHNICK, target, "No such nick/channel") }
                return
            }
            guard maySend(relayed.client.user, to: channel) else {
                if relayed.reportsErrors { replies.numeric(.ERR_CANNOTSENDTOCHAN, channel.name, "Cannot send to channel") }
                return
            }
            guard case .deliver(let decision) = applyFilter(
                relayed.check, scope: relayed.scope(toChannel: true), target: channel.name, channel: channel,
                now: command.now, into: &replies
            ) else { return }
            let members = deliveryGroups(ofChannel: key)
            accept(
                relayed, to: channel.name, kept: .channel(key: key, display: channel.name), groups: members,
                excluding: command.session, echo: echo, decision: decision, command, into: &replies
            )
        } else {
            guard case .deliver(let decision) = applyFilter(
                relayed.check, scope: relayed.scope(toChannel: false), target: target, channel: nil,
                now: command.now, into: &replies
            ) else { return }
            var groups = DeliveryGroups()
            guard let recipient = nicks[key],
                let (nick, awayMessage) = users.read(recipient, { user in
                    // One session, as most nicks have: one group of one, as cheap as a lookup.
                    for session in user.sessions { append(session, to: &groups) }
                    return (user.nick, user.awayMessage)
                })
            else {
                if relayed.kind != .tagmsg, knownNicks.contains(key), IRCName.isValidNickname(target) {
                    keepForOffline(relayed, to: target, key: key, decision: decision, command, into: &replies)
                    return
                }
                if relayed.reportsErrors { replies.numeric(.ERR_NOSUCHNICK, target, "No such nick/channel") }
                return
            }
            // To oneself, every session is already a recipient, the sender included.
            let toSelf = recipient == relayed.client.user
            if !toSelf { appendSiblings(of: relayed, command, to: &groups) }
            accept(
                relayed, to: nick, kept: .user(key: key, display: nick), groups: groups,
                echo: echo && !toSelf, decision: decision, command, into: &replies
            )
            if relayed.kind == .privmsg, let away = awayMessage {
                replies.numeric(.RPL_AWAY, nick, away)
            }
        }
    }

    /// A PRIVMSG or NOTICE to an allowlisted nick that is offline: kept for it and
    /// delivered, once, when it next logs in. The sender is told so (301 for PRIVMSG, as
    /// for an away nick); its siblings and its echo see the message as usual.
    private mutating func keepForOffline(
        _ relayed: RelayedMessage, to target: String, key: String, decision: FilterDecision?, _ command: HubCommandContext,
        into replies: inout HubResponseBuffer
    ) {
        var groups = DeliveryGroups()
        appendSiblings(of: relayed, command, to: &groups)
        accept(
            relayed, to: target, kept: .user(key: key, display: target), holdForRecipient: true, groups: groups,
            echo: relayed.client.capabilities.contains(.echoMessage), decision: decision, command, into: &replies
        )
        if relayed.kind == .privmsg {
            replies.numeric(.RPL_AWAY, target, "\(target) is offline; your message will be delivered when they log in")
        }
    }

    /// What every accepted PRIVMSG, NOTICE and TAGMSG does once its recipients are known:
    /// takes a msgid, audits the filter's decision, delivers to `groups` (a TAGMSG only to
    /// sessions with message-tags), asks for the message to be kept, and echoes it to the
    /// sender once stored.
    private mutating func accept(
        _ relayed: RelayedMessage, to display: String, kept target: HistoryTarget, holdForRecipient: Bool = false,
        groups: DeliveryGroups, excluding excluded: SessionID? = nil, echo: Bool, decision: FilterDecision?,
        _ command: HubCommandContext, into replies: inout HubResponseBuffer
    ) {
        let id = configuration.messageIDs.next()
        auditDelivered(decision, msgid: id.description, now: command.now, into: &replies)
        let message = relayed.message(to: display)
        let tags = Self.withMessageID(relayed, id)
        deliver(
            message, clientTags: tags, to: groups, excluding: excluded,
            onlyWithMessageTags: relayed.kind == .tagmsg, now: command.now, into: &replies
        )
        record(relayed, id: id, target: target, holdForRecipient: holdForRecipient, now: command.now, into: &replies)
        if echo {
            echoWhenStored(message, tags: tags, id: id, relayed, command, into: &replies)
        }
    }

    /// The sender's other sessions, which see what it sends to a nick as their own.
    private func appendSiblings(of relayed: RelayedMessage, _ command: HubCommandContext, to groups: inout DeliveryGroups) {
        guard relayed.client.hasSiblings else { return }
        users.read(relayed.client.user) { user in
            for session in user.sessions where session != command.session { append(session, to: &groups) }
        }
    }

    /// The tags message-tags recipients get: the sender's client-only tags, the msgid and,
    /// from a bot (user mode `B`), `bot`.
    static func withMessageID(_ relayed: RelayedMessage, _ id: MessageID) -> IRCTags {
        var tags = relayed.clientTags
        tags.set("msgid", to: id.description)
        if relayed.client.isBot { tags.set("bot", to: nil) }
        return tags
    }

    /// Asks the transport to store the message in the history log. A TAGMSG is stored
    /// only when it carries client tags (a reaction, a typing notice is not kept).
    func record(
        _ relayed: RelayedMessage, id: MessageID, target: HistoryTarget, holdForRecipient: Bool = false, now: Date,
        into replies: inout HubResponseBuffer
    ) {
        let kind: HistoryKind
        switch relayed.kind {
        case .privmsg: kind = .privmsg
        case .notice: kind = .notice
        case .tagmsg:
            guard !relayed.clientTags.isEmpty else { return }
            kind = .tagmsg
        }
        let event = HistoryEvent(
            time: Self.serverTime(now).millisecondsSinceEpoch,
            kind: kind,
            source: relayed.client.source.rawValue,
            senderKey: IRCCaseMapping.fold(String(relayed.client.source.nick)),
            account: relayed.client.account,
            target: target,
            text: relayed.text ?? "",
            clientTags: Self.serialized(relayed.clientTags)
        )
        replies.append(.record(HistoryRecord(id: id, event: event), holdForRecipient: holdForRecipient))
    }

    /// The sender's own copy (echo-message) is its acknowledgement: it goes out once the
    /// message is stored, never before; `stored: false` (a message the log does not keep)
    /// sends it at once.
    func echoWhenStored(
        _ message: IRCMessage, tags: IRCTags, id: MessageID, _ relayed: RelayedMessage, _ command: HubCommandContext,
        stored: Bool = true, into replies: inout HubResponseBuffer
    ) {
        let rendering = Rendering(relayed.client.capabilities)
        if relayed.kind == .tagmsg && !rendering.contains(.messageTags) { return }
        var time: String?
        let echo = Self.rendered(
            message, as: rendering, clientTags: tags, account: account(ofSource: message.source), now: command.now, time: &time
        )
        guard stored && (relayed.kind != .tagmsg || !relayed.clientTags.isEmpty) else {
            // A TAGMSG without client tags is not stored (``record``): nothing to wait for.
            replies.reply(echo)
            return
        }
        replies.append(.sendWhenStored(echo, to: [command.session], id: id))
    }

    /// Client-only tags as they stand on the wire, without the leading `@`.
    private static func serialized(_ tags: IRCTags) -> String {
        guard !tags.isEmpty else { return "" }
        var carrier = IRCMessage(command: "TAGMSG", params: ["*"])
        carrier.tags = tags
        let line = carrier.serialized
        return String(line.dropFirst().prefix { $0 != " " })
    }

    /// The sender's client-only tags to relay: none unless it negotiated message-tags.
    private static func relayedTags(of message: IRCMessage, from client: RelayedMessage.Sender) -> IRCTags {
        client.capabilities.contains(.messageTags) ? clientOnlyTags(of: message) : [:]
    }

    /// The message's client-only (`+`) tags. A line whose tags exceed what a client may send
    /// (4094 bytes) was refused with 417 before it got here (``receive(_:from:now:)``).
    static func clientOnlyTags(of message: IRCMessage) -> IRCTags {
        IRCTags(message.tags.filter(\.isClientOnly))
    }

    /// AWAY [<text>]
    ///
    /// Away is set per session; others see the nick as away (301, WHO, WHOIS, USERHOST)
    /// only while every session of it is, with the text set last. A session going away
    /// while another of its nick is in use is told so.
    mutating func away(_ command: HubCommandContext, into replies: inout HubResponseBuffer) {
        let text = command.params.first.flatMap { $0.isEmpty ? nil : $0 }
        guard let user = sessions.update(command.session, { session -> UserID? in
            session.away = text.map { ($0, command.now) }
            return session.userID
        }) ?? nil else { return }
        if refreshAway(of: user) { announceAway(of: user, now: command.now, into: &replies) }
        guard text != nil else {
            replies.numeric(.RPL_UNAWAY, "You are no longer marked as being away")
            return
        }
        if users.read(user, { $0.awayMessage == nil }) ?? false {
            replies.numeric(
                .RPL_NOWAWAY,
                "You have been marked as being away; others see \(replies.target) as away once all its sessions are"
            )
        } else {
            replies.numeric(.RPL_NOWAWAY, "You have been marked as being away")
        }
    }
}
