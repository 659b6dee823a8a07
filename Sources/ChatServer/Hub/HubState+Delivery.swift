import Foundation
import IRC

extension HubState {
    /// The recipients grouped by the rendering each gets; unknown sessions are left out.
    func deliveryGroups(of recipients: some Sequence<SessionID>) -> DeliveryGroups {
        var groups = DeliveryGroups()
        for id in recipients {
            append(id, to: &groups)
        }
        return groups
    }

    /// Adds `session` to the group of its rendering; nothing when it is unknown.
    func append(_ session: SessionID, to groups: inout DeliveryGroups) {
        guard let capabilities = sessions.read(session, { $0.capabilities }) else { return }
        groups.append(session, Rendering(capabilities))
    }

    /// Every session of every user in `members`, grouped by rendering.
    func deliveryGroups(ofUsers members: some Sequence<UserID>) -> DeliveryGroups {
        var groups = DeliveryGroups()
        for member in members {
            users.read(member) { user in
                for session in user.sessions {
                    append(session, to: &groups)
                }
            }
        }
        return groups
    }

    /// The channel's members' sessions grouped by rendering, kept on the channel until its
    /// membership, a member's sessions or a session's capabilities change: sending to a
    /// channel then looks up no user and no session.
    mutating func deliveryGroups(ofChannel key: String) -> DeliveryGroups {
        if let groups = channels[key]?.deliveryGroups { return groups }
        let groups = deliveryGroups(ofUsers: channels[key]?.members ?? [])
        channels[key]?.deliveryGroups = groups
        return groups
    }

    /// Forgets the delivery groups of `user`'s channels, after its sessions or one of
    /// their capabilities changed.
    mutating func invalidateDeliveryGroups(of user: UserID) {
        guard let keys = users.read(user, { $0.channels }) else { return }
        for key in keys { channels[key]?.deliveryGroups = nil }
    }

    /// Every session of every user sharing a channel with `user`, each once; `user`'s own
    /// sessions are left out.
    func peers(of user: UserID) -> [SessionID] {
        guard let keys = users.read(user, { $0.channels }) else { return [] }
        var seen: Set<UserID> = [user]
        var peers: [SessionID] = []
        for key in keys {
            for member in channels[key]?.members ?? [] where seen.insert(member).inserted {
                peers += users.read(member) { $0.sessions } ?? []
            }
        }
        return peers
    }

    /// Sends `message` to `groups` in as few renderings as their capabilities need: one
    /// `.send` per ``Rendering`` that has recipients and makes a difference, so a channel
    /// of any size costs at most eight messages.
    ///
    /// - Parameters:
    ///   - clientTags: the sender's `+` tags, for recipients with message-tags. Without
    ///     them message-tags changes nothing, and those recipients join the group without it.
    ///   - excluded: a recipient to skip (the sender, unless it has echo-message).
    ///   - onlyWithMessageTags: skip recipients without message-tags (TAGMSG).
    ///
    /// Recipients with account-tag get the `account` of the nick the message comes from
    /// (``account(ofSource:)``); for a message from the server it changes nothing.
    func deliver(
        _ message: IRCMessage,
        clientTags: IRCTags = [:],
        to groups: DeliveryGroups,
        excluding excluded: SessionID? = nil,
        onlyWithMessageTags: Bool = false,
        now: Date,
        into replies: inout HubResponseBuffer
    ) {
        var time: String?
        let relaysTags = !clientTags.isEmpty
        var account: String??
        var merged: [[SessionID]] = Array(repeating: [], count: Rendering.count)
        for rendering in Rendering.all {
            var recipients = groups[rendering]
            guard !recipients.isEmpty else { continue }
            var effective = rendering
            if rendering.contains(.messageTags) {
                if !relaysTags && !onlyWithMessageTags { effective.remove(.messageTags) }
            } else if onlyWithMessageTags {
                continue
            }
            if rendering.contains(.accountTag) {
                if account == nil { account = .some(self.account(ofSource: message.source)) }
                if account == .some(nil) { effective.remove(.accountTag) }
            }
            if let excluded, let position = recipients.firstIndex(of: excluded) {
                recipients.remove(at: position)
            }
            if merged[Int(effective.rawValue)].isEmpty {
                merged[Int(effective.rawValue)] = recipients  // shares the group's storage
            } else {
                merged[Int(effective.rawValue)] += recipients
            }
        }
        for rendering in Rendering.all {
            let recipients = merged[Int(rendering.rawValue)]
            guard !recipients.isEmpty else { continue }
            replies.send(
                Self.rendered(
                    message, as: rendering, clientTags: clientTags, account: account ?? nil, now: now, time: &time
                ),
                to: recipients
            )
        }
    }

    /// The account of the nick `source` names, for account-tag; nil for the server.
    func account(ofSource source: IRCSource?) -> String? {
        guard let source, source.rawValue.contains("!"), let user = user(named: String(source.nick)) else { return nil }
        return account(of: user)
    }

    /// The nick's account as others see it: its oldest session's (as WHOIS shows it).
    func account(of user: UserID) -> String? {
        oldestSession(of: user, \.account)
    }

    /// `message` as recipients of `rendering` get it. `time` keeps the tag value once
    /// made, for the other groups of the same delivery.
    static func rendered(
        _ message: IRCMessage,
        as rendering: Rendering,
        clientTags: IRCTags,
        account: String? = nil,
        now: Date,
        time: inout String?
    ) -> IRCMessage {
        var rendered = message
        if rendering.contains(.accountTag), let account {
            rendered.tags.set("account", to: account)
        }
        if rendering.contains(.serverTime) {
            let value = time ?? Self.serverTime(now).tagValue
            time = value
            rendered.tags.set("time", to: value)
        }
        if rendering.contains(.messageTags) && !clientTags.isEmpty {
            for tag in clientTags { rendered.tags.set(tag.key, to: tag.value) }
        }
        return rendered
    }
}
