import Foundation
import IRC

/// The chat hub as a value: sessions, nicks and channels, and the rules that connect them.
///
/// Every event (a connection, a command, a disconnection, an allowlist reload) goes in
/// through a `mutating` method that returns what the transport must do, in order. The
/// hub does no I/O and keeps no clock, so it is tested directly, without sockets. One
/// owner (the transport's event loop) holds it and applies events one at a time.
///
/// Nick ownership comes from the certificate: a session may only use nicks the
/// allowlist binds to it. When a second session registers a nick that another
/// session holds, the newest wins (see ``completeRegistration(_:now:into:)``).
public struct HubState: Sendable {
    let configuration: HubConfiguration
    let server: IRCSource
    /// Every connected session, registered or not.
    var sessions = SessionTable<HubSession>()
    /// Folded nick → the registered session holding it.
    var nicks: [String: SessionID] = [:]
    /// Folded channel name → channel.
    var channels: [String: ChatChannel] = [:]

    public init(configuration: HubConfiguration) {
        self.configuration = configuration
        self.server = IRCSource(configuration.serverName)
        if IRCName.isValidChannelName(configuration.defaultChannel) {
            let lobby = ChatChannel(name: configuration.defaultChannel, createdAt: configuration.created, isDefault: true)
            channels[lobby.key] = lobby
        }
    }

    // MARK: - Events

    /// A connection passed TLS and the allowlist. Nothing is sent until the client
    /// speaks; the session then registers with NICK and USER.
    public mutating func connect(_ session: SessionID, identity: ClientIdentity, now: Date) -> [HubOutput] {
        sessions[session] = HubSession(id: session, identity: identity, now: now)
        return []
    }

    /// One command from a session: checks the command table (421, 451, 461) and runs
    /// the handler. Messages from unknown sessions are ignored.
    public mutating func handle(_ message: IRCMessage, from session: SessionID, now: Date) -> [HubOutput] {
        guard let (target, isRegistered) = sessions.read(session, { ($0.replyTarget, $0.isRegistered) }) else { return [] }
        var replies = HubResponseBuffer(server: server, session: session, target: target)
        guard let command = Self.commands[message.command] else {
            replies.numeric(.ERR_UNKNOWNCOMMAND, message.command, "Unknown command")
            return replies.outputs
        }
        guard isRegistered || command.allowedBeforeRegistration else {
            replies.numeric(.ERR_NOTREGISTERED, "You have not registered")
            return replies.outputs
        }
        guard message.params.count >= command.minimumParameters else {
            replies.numeric(.ERR_NEEDMOREPARAMS, message.command, "Not enough parameters")
            return replies.outputs
        }
        command.handler(&self, HubCommandContext(message: message, session: session, now: now), &replies)
        return replies.outputs
    }

    /// The connection ended (transport saw EOF/error/timeout/flood); tell its channels QUIT :reason. No output to the session itself.
    public mutating func disconnect(_ session: SessionID, reason: String, now: Date) -> [HubOutput] {
        var replies = HubResponseBuffer(server: server, session: session, target: "*")
        removeSession(session, quitReason: reason, now: now, into: &replies)
        return replies.outputs
    }

    /// The allowlist was reloaded and this session's certificate is still admitted with these nicks. If its current nick is no longer among them, close it with reason "Closing link: nick <nick> is no longer bound to your certificate".
    ///
    /// The account follows the new list's first nick. A session that has not chosen a
    /// nick yet just gets the new list for its next NICK.
    public mutating func updateBindings(_ session: SessionID, boundNicks: [String], now: Date) -> [HubOutput] {
        guard var client = sessions[session] else { return [] }
        client.identity.boundNicks = boundNicks
        sessions[session] = client
        var replies = HubResponseBuffer(server: server, session: session, target: client.replyTarget)
        if let nick = client.nick, !client.isBound(nick) {
            closeSession(session, reason: "Closing link: nick \(nick) is no longer bound to your certificate", now: now, into: &replies)
        }
        return replies.outputs
    }

    // MARK: - Queries

    /// The session's nick once NICK was accepted (before registration too), else `nil`.
    public func nick(of session: SessionID) -> String? {
        sessions.read(session) { $0.nick } ?? nil
    }

    public func isRegistered(_ session: SessionID) -> Bool {
        sessions[session]?.isRegistered ?? false
    }

    /// Connected sessions, registered or not.
    public var sessionCount: Int { sessions.count }

    /// Channels that exist, the default channel included.
    public var channelCount: Int { channels.count }

    // MARK: - Shared by the handlers

    /// The session holding `nick` after registration, if any.
    func registeredSession(named nick: String) -> SessionID? {
        nicks[IRCCaseMapping.fold(nick)]
    }

    /// Sends `message` to `recipients` in as few renderings as their capabilities need:
    /// one `.send` per combination of `time` tag (server-time) and relayed client-only
    /// tags (message-tags), so a channel of any size costs at most four messages.
    ///
    /// - Parameters:
    ///   - clientTags: the sender's `+` tags, for recipients with message-tags.
    ///   - excluded: a recipient to skip (the sender, unless it has echo-message).
    ///   - onlyWithMessageTags: skip recipients without message-tags (TAGMSG).
    func deliver(
        _ message: IRCMessage,
        clientTags: IRCTags = [:],
        to recipients: some Sequence<SessionID>,
        excluding excluded: SessionID? = nil,
        onlyWithMessageTags: Bool = false,
        now: Date,
        into replies: inout HubResponseBuffer
    ) {
        var groups: [[SessionID]] = [[], [], [], []]
        for id in recipients where id != excluded {
            guard let capabilities = sessions[id]?.capabilities else { continue }
            groups[Self.deliveryClass(capabilities)].append(id)
        }
        deliver(
            message, clientTags: clientTags, toGroups: groups,
            onlyWithMessageTags: onlyWithMessageTags, now: now, into: &replies
        )
    }

    /// Delivers to recipients already grouped by ``deliveryClass(_:)``: one rendering of
    /// the message per group, `excluded` left out.
    func deliver(
        _ message: IRCMessage,
        clientTags: IRCTags,
        toGroups groups: [[SessionID]],
        excluding excluded: SessionID? = nil,
        onlyWithMessageTags: Bool,
        now: Date,
        into replies: inout HubResponseBuffer
    ) {
        var time: String?
        // Without client tags to relay, message-tags makes no difference to the rendering:
        // such groups join the group without it.
        let relaysTags = !clientTags.isEmpty
        for index in 0..<groups.count {
            let hasMessageTags = index & 2 != 0
            if onlyWithMessageTags && !hasMessageTags { continue }
            var recipients = groups[index]
            if !relaysTags && !onlyWithMessageTags {
                if hasMessageTags { continue }
                if !groups[index | 2].isEmpty { recipients += groups[index | 2] }
            }
            if let excluded, let position = recipients.firstIndex(of: excluded) {
                recipients.remove(at: position)
            }
            guard !recipients.isEmpty else { continue }
            replies.send(
                Self.rendering(of: message, deliveryClass: index, clientTags: clientTags, now: now, time: &time),
                to: recipients
            )
        }
    }

    /// Delivers to one recipient (a private message): the same rendering
    /// ``deliver(_:clientTags:toGroups:excluding:onlyWithMessageTags:now:into:)`` gives its
    /// group, without building groups.
    func deliver(
        _ message: IRCMessage,
        clientTags: IRCTags,
        toOne recipient: SessionID,
        capabilities: HubCapabilities,
        onlyWithMessageTags: Bool,
        now: Date,
        into replies: inout HubResponseBuffer
    ) {
        var deliveryClass = Self.deliveryClass(capabilities)
        if onlyWithMessageTags && deliveryClass & 2 == 0 { return }
        if clientTags.isEmpty && !onlyWithMessageTags { deliveryClass &= 1 }
        var time: String?
        replies.send(
            Self.rendering(of: message, deliveryClass: deliveryClass, clientTags: clientTags, now: now, time: &time),
            to: [recipient]
        )
    }

    /// `message` as recipients of `deliveryClass` get it. `time` keeps the tag value once
    /// made, for the other groups of the same delivery.
    private static func rendering(
        of message: IRCMessage,
        deliveryClass: Int,
        clientTags: IRCTags,
        now: Date,
        time: inout String?
    ) -> IRCMessage {
        var rendered = message
        if deliveryClass & 1 != 0 {
            let value = time ?? Self.serverTime(now).tagValue
            time = value
            rendered.tags.set("time", to: value)
        }
        if deliveryClass & 2 != 0 && !clientTags.isEmpty {
            for tag in clientTags { rendered.tags.set(tag.key, to: tag.value) }
        }
        return rendered
    }

    /// Which rendering of a relayed message a recipient gets, 0...3: bit 0 for a
    /// `time` tag (server-time), bit 1 for the sender's client-only tags (message-tags).
    static func deliveryClass(_ capabilities: HubCapabilities) -> Int {
        (capabilities.contains(.serverTime) ? 1 : 0) | (capabilities.contains(.messageTags) ? 2 : 0)
    }

    /// The channel's members by ``deliveryClass(_:)``, kept on the channel until its
    /// membership or a member's capabilities change: sending to a channel then looks up
    /// no session.
    mutating func deliveryGroups(ofChannel key: String) -> [[SessionID]] {
        if let groups = channels[key]?.deliveryGroups { return groups }
        var groups: [[SessionID]] = [[], [], [], []]
        for id in channels[key]?.members ?? [] {
            guard let capabilities = sessions[id]?.capabilities else { continue }
            groups[Self.deliveryClass(capabilities)].append(id)
        }
        channels[key]?.deliveryGroups = groups
        return groups
    }

    /// Everyone sharing a channel with `session`, each once, the session itself excluded.
    func peers(of session: SessionID) -> [SessionID] {
        guard let client = sessions[session] else { return [] }
        var seen: Set<SessionID> = [session]
        var peers: [SessionID] = []
        for key in client.channels {
            for member in channels[key]?.members ?? [] where seen.insert(member).inserted {
                peers.append(member)
            }
        }
        return peers
    }

    /// Takes `session` off `channel` (by key) on both sides; an emptied channel other
    /// than the default one is deleted.
    mutating func leave(_ session: SessionID, channel key: String) {
        sessions[session]?.channels.removeAll { $0 == key }
        guard var channel = channels[key] else { return }
        channel.remove(session)
        channels[key] = channel.isEmpty && !channel.isDefault ? nil : channel
    }

    /// Removes the session, telling its channel peers `QUIT :<quitReason>` once each.
    mutating func removeSession(_ session: SessionID, quitReason: String, now: Date, into replies: inout HubResponseBuffer) {
        guard let client = sessions[session] else { return }
        if client.isRegistered {
            let quit = IRCMessage(source: client.source, command: "QUIT", params: [quitReason])
            deliver(quit, to: peers(of: session), now: now, into: &replies)
        }
        for key in client.channels {
            leave(session, channel: key)
        }
        if let nick = client.nick, nicks[IRCCaseMapping.fold(nick)] == session {
            nicks[IRCCaseMapping.fold(nick)] = nil
        }
        sessions[session] = nil
    }

    /// Removes the session (its peers see QUIT with `reason`) and asks the transport to
    /// send `ERROR :<reason>` and close it.
    mutating func closeSession(_ session: SessionID, reason: String, now: Date, into replies: inout HubResponseBuffer) {
        removeSession(session, quitReason: reason, now: now, into: &replies)
        replies.append(.close(session, reason: reason))
    }

    static func serverTime(_ date: Date) -> IRCServerTime {
        IRCServerTime(millisecondsSinceEpoch: Int64((date.timeIntervalSince1970 * 1000).rounded(.down)))
    }

    static func unixSeconds(_ date: Date) -> String {
        String(Int64(date.timeIntervalSince1970.rounded(.down)))
    }

    /// `text` cut to at most `maxBytes` of UTF-8 without splitting a character.
    static func truncated(_ text: String, toBytes maxBytes: Int) -> String {
        guard text.utf8.count > maxBytes else { return text }
        var result = ""
        var used = 0
        for character in text {
            let size = character.utf8.count
            guard used + size <= maxBytes else { break }
            result.append(character)
            used += size
        }
        return result
    }

    /// The comma-separated items of a list parameter, empty items dropped.
    static func commaList(_ parameter: String) -> [String] {
        parameter.split(separator: ",").map(String.init)
    }
}
