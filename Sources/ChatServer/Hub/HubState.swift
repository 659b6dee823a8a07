import Foundation
import HistoryStore
import IRC
import Moderation

/// The chat hub as a value: sessions, nicks and channels, and the rules that connect them.
///
/// Every event (a connection, a command, a disconnection, an allowlist reload) goes in
/// through a `mutating` method that returns what the transport must do, in order. The
/// hub does no I/O and keeps no clock, so it is tested directly, without sockets. One
/// owner (the transport's event loop) holds it and applies events one at a time.
///
/// Nick ownership comes from the certificate: a session may only use nicks the
/// allowlist binds to it. A nick online is a ``HubUser``: channels hold nicks, and each
/// message to a nick or a channel reaches every session of the nick
/// (see ``completeRegistration(_:now:into:)``).
public struct HubState: Sendable {
    let configuration: HubConfiguration
    let server: IRCSource
    /// Every connected session, registered or not.
    var sessions = SessionTable<HubSession>()
    /// Every nick online, with its sessions.
    var users = SlotTable<UserID, HubUser>()
    /// Folded nick → the user holding it.
    var nicks: [String: UserID] = [:]
    /// Folded channel name → channel.
    var channels: [String: ChatChannel] = [:]
    /// Counts BATCH references handed out, so that each is unique on its connection.
    var batchCounter: UInt64 = 0
    /// Folded nicks the allowlist binds to some certificate: a private message to one of
    /// them that is offline is kept for it rather than refused with 401.
    var knownNicks: Set<String> = []
    /// Who may become an operator (server.toml's `[operators]`, ``setOperators(_:)``).
    var operatorList = OperatorList()
    /// The sessions that are operators, with the name each gave OPER and its class.
    var operators: [SessionID: OperatorStatus] = [:]
    /// The most nicks online at once since start, for RPL_LOCALUSERS and RPL_GLOBALUSERS.
    var maxUserCount = 0
    /// Folded nick → the sessions watching it with MONITOR (HubState+Monitor.swift).
    var monitors: [String: Set<SessionID>] = [:]
    /// The nicks that went offline or were renamed, newest last, for WHOWAS.
    var whowas = WhowasLog()
    /// Lines received and refused, for the metrics.
    public internal(set) var statistics = HubStatistics()
    /// The offensive-text filter in force; empty until one is loaded.
    var filter = ModerationFilter()
    /// Reports not yet resolved, by id (HubState+Reports.swift).
    var openReports: [Int64: StoredReport] = [:]
    /// Per account, when its recent reports were made, for the rate limit.
    var recentReports: [String: [Date]] = [:]
    /// draft/read-marker: folded nick → folded buffer → server time (ms) of the last
    /// message read (HubState+ReadMarkers.swift).
    var readMarkers: [String: [String: Int64]] = [:]

    public init(configuration: HubConfiguration) {
        self.configuration = configuration
        self.server = IRCSource(configuration.serverName)
        if IRCName.isValidChannelName(configuration.defaultChannel) {
            let lobby = ChatChannel(name: configuration.defaultChannel, createdAt: configuration.created, isDefault: true)
            channels[lobby.key] = lobby
        }
    }

    // MARK: - Events

    /// A connection passed TLS: returns the ID the hub knows it by from now on.
    ///
    /// A certificate the allowlist binds no nick to is refused at once: the session gets
    /// `FAIL * CERT_NOT_ALLOWED` and an ERROR naming the allowlist line that would admit
    /// it, and is closed. Otherwise nothing is sent until the client speaks; the session
    /// then registers with NICK and USER.
    public mutating func connect(identity: ClientIdentity, now: Date) -> (SessionID, [HubOutput]) {
        let session = sessions.add { HubSession(id: $0, identity: identity, now: now) }
        guard identity.boundNicks.isEmpty else { return (session, []) }
        var replies = HubResponseBuffer(server: server, session: session, target: "*")
        let line = identity.suggestedAllowlistLine
        replies.fail("*", .certificateNotAllowed, "Your certificate is not in this server's allowlist")
        closeSession(
            session,
            reason: "Closing link: your certificate is not in this server's allowlist. "
                + "To admit it, an administrator adds this line to the allowlist: \(line)",
            now: now, into: &replies
        )
        return (session, replies.outputs)
    }

    /// One command from a session: checks the command table (421, 451, 461) and runs
    /// the handler. Messages from unknown sessions are ignored.
    ///
    /// A line inside a batch the client opened (`draft/multiline`) is collected for it;
    /// a command with a `label` gets its response labeled (labeled-response).
    public mutating func handle(_ message: IRCMessage, from session: SessionID, now: Date) -> [HubOutput] {
        if message.command != "BATCH", message.tags.contains("batch") {
            return collectBatched(message, from: session, now: now)
        }
        let wasRegistered = isRegistered(session)
        let outputs = dispatch(message, from: session, now: now)
        // BATCH labels its own response: that of the whole batch, when it ends. The
        // welcome burst of a command that completed registration is no response.
        guard message.command != "BATCH", wasRegistered || !isRegistered(session),
            let label = label(of: message, from: session)
        else { return outputs }
        return labeled(outputs, label: label, session: session)
    }

    /// The command table's checks, then the handler.
    private mutating func dispatch(_ message: IRCMessage, from session: SessionID, now: Date) -> [HubOutput] {
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

    /// The connection ended (transport saw EOF/error/timeout/flood). When it was its nick's
    /// last session, the nick's channels see `QUIT :<reason>`. No output to the session itself.
    public mutating func disconnect(_ session: SessionID, reason: String, now: Date) -> [HubOutput] {
        var replies = HubResponseBuffer(server: server, session: session, target: "*")
        removeSession(session, quitReason: reason, now: now, into: &replies)
        return replies.outputs
    }

    /// The allowlist was reloaded and this session's certificate is still admitted with
    /// these nicks. If its current nick is no longer among them, it gets
    /// `FAIL * NICK_NOT_BOUND` and is closed with "Closing link: nick <nick> is no longer
    /// bound to your certificate".
    ///
    /// The account follows the new list's first nick. A session that has not chosen a
    /// nick yet just gets the new list for its next NICK.
    public mutating func updateBindings(_ session: SessionID, boundNicks: [String], now: Date) -> [HubOutput] {
        let owner = sessions.read(session) { $0.userID } ?? nil
        let accountBefore = owner.flatMap { self.account(of: $0) }
        guard let (target, nick, stillBound) = sessions.update(session, { client in
            client.identity.boundNicks = boundNicks
            return (client.replyTarget, client.nick, client.nick.map(client.isBound) ?? true)
        }) else { return [] }
        var replies = HubResponseBuffer(server: server, session: session, target: target)
        if let owner, stillBound { announceAccount(of: owner, ifNot: accountBefore, now: now, into: &replies) }
        if let nick, !stillBound {
            replies.fail("*", .nickNotBound, "Nick \(nick) is no longer bound to your certificate")
            closeSession(session, reason: "Closing link: nick \(nick) is no longer bound to your certificate", now: now, into: &replies)
        } else {
            // OPER's name may have lost its binding to the certificate.
            revalidateOperator(session, into: &replies)
        }
        return replies.outputs
    }

    /// The certificate no longer passes verification after a TLS reload (revoked, or its
    /// CA no longer trusted): `FAIL * CERT_REVOKED`, then closed with `reason`.
    public mutating func revoke(_ session: SessionID, reason: String, now: Date) -> [HubOutput] {
        guard sessions.contains(session) else { return [] }
        var replies = HubResponseBuffer(server: server, session: session, target: "*")
        replies.fail("*", .certificateRevoked, "Your certificate is no longer accepted")
        closeSession(session, reason: reason, quitReason: "Certificate no longer accepted", now: now, into: &replies)
        return replies.outputs
    }

    /// No allowlist line admits the certificate any more: `FAIL * CERT_NOT_ALLOWED`,
    /// then closed; when it was its nick's last session, the nick's channels see it quit.
    public mutating func disallow(_ session: SessionID, now: Date) -> [HubOutput] {
        guard sessions.contains(session) else { return [] }
        var replies = HubResponseBuffer(server: server, session: session, target: "*")
        replies.fail("*", .certificateNotAllowed, "Your certificate is no longer in this server's allowlist")
        closeSession(session, reason: "Closing link: certificate no longer allowed", quitReason: "Certificate no longer allowed", now: now, into: &replies)
        return replies.outputs
    }

    /// The nicks the allowlist binds (at start and after each reload), for offline delivery.
    public mutating func setKnownNicks(_ nicks: some Sequence<String>) {
        knownNicks = Set(nicks.map(IRCCaseMapping.fold))
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

    /// Nicks online, however many sessions each has.
    public var userCount: Int { users.count }

    /// The registered sessions holding `nick`, oldest first; empty when it is offline.
    public func sessions(ofNick nick: String) -> [SessionID] {
        nicks[IRCCaseMapping.fold(nick)].flatMap { users.read($0) { $0.sessions } } ?? []
    }

    /// Channels that exist, the default channel included.
    public var channelCount: Int { channels.count }

    // MARK: - Shared by the handlers

    /// The user holding `nick`, if it is online.
    func user(named nick: String) -> UserID? {
        nicks[IRCCaseMapping.fold(nick)]
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
