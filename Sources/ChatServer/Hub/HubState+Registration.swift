import Foundation
import HistoryStore
import IRC
import Moderation

extension HubState {
    /// NICK <nickname>
    ///
    /// Only nicks bound to the certificate are accepted, before and after registration.
    /// After registration a change to a nick another nick's sessions hold is refused
    /// (433): several sessions share a nick by logging in with it, not by renaming.
    /// A nick with several sessions is not renamed at all (400): the other sessions'
    /// certificates need not bind the new nick, and a rename from one device would pull
    /// the others along unasked; close them first, or log this one in as the other nick.
    ///
    /// Before registration the first unbound nick is refused (432, naming the nicks the
    /// certificate may use and the allowlist line that would bind the refused one, as
    /// ``unboundNickText(_:bound:suggestion:budget:)`` words it); a second one gets the account nick instead, announced by a NOTICE and
    /// confirmed by 001. Clients answer 432 by trying their next nick, WeeChat without
    /// end, and the certificate already says who is connecting.
    mutating func nick(_ command: HubCommandContext, into replies: inout HubResponseBuffer) {
        guard var client = sessions[command.session] else { return }
        guard let requested = command.params.first, !requested.isEmpty else {
            replies.numeric(.ERR_NONICKNAMEGIVEN, "No nickname given")
            return
        }
        guard IRCName.isValidNickname(requested) else {
            replies.numeric(.ERR_ERRONEUSNICKNAME, requested, "Erroneous nickname")
            return
        }
        guard client.isBound(requested) else {
            if !client.isRegistered, client.hasRefusedNick, let account = client.identity.boundNicks.first {
                replies.notice("\(requested) is not bound to your certificate either; registering you as \(account)")
                client.nick = account
                sessions[command.session] = client
                replies.target = account
                completeRegistrationIfReady(command.session, now: command.now, into: &replies)
                return
            }
            if !client.isRegistered {
                client.hasRefusedNick = true
                sessions[command.session] = client
            }
            // ":server 432 target requested :" comes before the text.
            let fixed = 1 + server.rawValue.utf8.count + 5 + replies.target.utf8.count + 1 + requested.utf8.count + 2
            let text = Self.unboundNickText(
                requested, bound: client.identity.boundNicks,
                suggestion: Allowlist.suggestedLine(commonName: requested, fingerprint: client.identity.certificateFingerprint),
                budget: IRCLimits.maxBodyBytesWithoutLineEnding - fixed
            )
            replies.numeric(.ERR_ERRONEUSNICKNAME, requested, text)
            return
        }
        guard client.isRegistered, let old = client.nick else {
            client.nick = requested
            sessions[command.session] = client
            replies.target = requested
            completeRegistrationIfReady(command.session, now: command.now, into: &replies)
            return
        }
        guard old != requested, let user = client.userID, let own = users.read(user, { $0.sessions }) else { return }
        guard own.count == 1 else {
            replies.numeric(
                .ERR_UNKNOWNERROR, "NICK",
                "\(old) is shared by \(own.count) sessions and cannot be renamed from one of them; "
                    + "close the others first, or log this one in as \(requested)"
            )
            return
        }
        let key = IRCCaseMapping.fold(requested)
        if let holder = nicks[key], holder != user {
            replies.numeric(.ERR_NICKNAMEINUSE, requested, "Nickname is already in use")
            return
        }
        let announcement = IRCMessage(source: client.source, command: "NICK", params: [requested])
        let audience = own + peers(of: user)
        nicks[IRCCaseMapping.fold(old)] = nil
        nicks[key] = user
        users.update(user) { user in
            user.nick = requested
            user.key = key
        }
        for session in own {
            sessions.update(session) { $0.nick = requested }
        }
        replies.target = requested
        deliver(announcement, to: deliveryGroups(of: audience), now: command.now, into: &replies)
        rememberDeparture(nick: old, source: client.source, realname: client.realname, now: command.now)
        announceOffline(old, now: command.now, into: &replies)
        announceOnline(user, now: command.now, into: &replies)
    }

    /// The text of the 432 refusing `requested`: the nicks the certificate may use, then
    /// `suggestion`, the allowlist line that would bind `requested` to it.
    ///
    /// The text is at most `budget` bytes. The suggestion is kept whole; the list shows the
    /// nicks in file order that fit and ends with "and N more". Only a server name far
    /// longer than any host name can make the suggestion itself be cut.
    static func unboundNickText(_ requested: String, bound: [String], suggestion: String, budget: Int) -> String {
        let head = "\(requested) is not bound to your certificate; your certificate may use: "
        let tail = "; to use \(requested), an administrator adds this line to the allowlist: \(suggestion)"
        let listBudget = budget - head.utf8.count - tail.utf8.count
        var shown: [String] = []
        var used = 0
        for (index, nick) in bound.enumerated() {
            let left = bound.count - index - 1
            let separator = shown.isEmpty ? 0 : 2
            let more = left > 0 ? " and \(left) more".utf8.count : 0
            guard used + separator + nick.utf8.count + more <= listBudget else { break }
            shown.append(nick)
            used += separator + nick.utf8.count
        }
        let hidden = bound.count - shown.count
        var list = shown.joined(separator: ", ")
        if hidden > 0 { list += shown.isEmpty ? "\(hidden) nicks" : " and \(hidden) more" }
        return truncated(head + list + tail, toBytes: budget)
    }

    /// USER <username> 0 * <realname>
    ///
    /// An empty realname is a missing parameter (461), as modern.ircdocs.horse says.
    mutating func user(_ command: HubCommandContext, into replies: inout HubResponseBuffer) {
        guard var client = sessions[command.session] else { return }
        guard !client.isRegistered else {
            replies.numeric(.ERR_ALREADYREGISTERED, "You may not reregister")
            return
        }
        guard !command.params[0].isEmpty, !command.params[3].isEmpty else {
            replies.numeric(.ERR_NEEDMOREPARAMS, "USER", "Not enough parameters")
            return
        }
        client.user = HubSession.sanitizedUsername(command.params[0])
        client.realname = command.params[3]
        sessions[command.session] = client
        completeRegistrationIfReady(command.session, now: command.now, into: &replies)
    }

    /// PASS <password>
    ///
    /// The certificate is the credential; a password is accepted and ignored.
    mutating func pass(_ command: HubCommandContext, into replies: inout HubResponseBuffer) {
        if sessions[command.session]?.isRegistered == true {
            replies.numeric(.ERR_ALREADYREGISTERED, "You may not reregister")
        }
    }

    /// PING <token>
    mutating func ping(_ command: HubCommandContext, into replies: inout HubResponseBuffer) {
        replies.reply(IRCMessage(source: server, command: "PONG", params: [server.rawValue, command.params[0]]))
    }

    /// QUIT [<reason>]
    ///
    /// Closes this session with `Quit: <reason>` (or `Quit`); the channels see it when it
    /// was the nick's last session. The nick's other sessions stay.
    mutating func quit(_ command: HubCommandContext, into replies: inout HubResponseBuffer) {
        var text = command.params.first.flatMap { $0.isEmpty ? nil : $0 }
        // A reason the filter refuses is left out; the QUIT itself always happens.
        switch applyFilter(
            filterCheck(text, scopes: [.quit], session: command.session), scope: .quit, target: "*", channel: nil,
            now: command.now, into: &replies
        ) {
        case .deliver(let decision): auditDelivered(decision, msgid: nil, now: command.now, into: &replies)
        case .refused: text = nil
        }
        guard sessions.contains(command.session) else { return }
        let reason = text.map { "Quit: " + $0 } ?? "Quit"
        closeSession(command.session, reason: reason, now: command.now, into: &replies)
    }

    /// Registers the session once it has a nick and a user and capability negotiation
    /// is over; before that, does nothing.
    mutating func completeRegistrationIfReady(_ session: SessionID, now: Date, into replies: inout HubResponseBuffer) {
        guard let client = sessions[session], !client.isRegistered, client.nick != nil, client.user != nil,
            !client.isNegotiatingCapabilities
        else { return }
        completeRegistration(session, now: now, into: &replies)
    }

    /// Registers the session: takes its nick, sends the welcome burst, puts it on its
    /// nick's channels and warns about a certificate that expires soon.
    ///
    /// A nick that is offline comes online and joins the default channel. A nick that is
    /// online (a second device, `securechat tail` beside the chat, a reconnect before the
    /// old connection timed out) gains this session as one more of its sessions, in the
    /// nick's spelling: the session gets JOIN, topic and NAMES for each of the nick's
    /// channels, and nobody else sees anything. Beyond `maxSessionsPerNick` the nick's
    /// oldest session is closed (``addSession(_:to:now:into:)``).
    mutating func completeRegistration(_ session: SessionID, now: Date, into replies: inout HubResponseBuffer) {
        guard let requested = sessions.read(session, { $0.nick }) ?? nil else { return }
        sessions.update(session) { $0.isRegistered = true }
        let joinedUser = user(named: requested)
        if let joinedUser {
            addSession(session, to: joinedUser, now: now, into: &replies)
        } else {
            let user = addUser(for: session, nick: requested, now: now)
            announceOnline(user, now: now, into: &replies)
        }
        guard let client = sessions[session], let nick = client.nick else { return }
        replies.target = nick
        replies.append(.registered(session, nick: nick, account: client.account))

        let prefix = client.source.rawValue
        replies.numeric(.RPL_WELCOME, "Welcome to the \(configuration.networkName) Network, \(prefix)")
        replies.numeric(.RPL_YOURHOST, "Your host is \(server), running version \(configuration.version)")
        replies.numeric(.RPL_CREATED, "This server was created \(Self.serverTime(configuration.created))")
        replies.numeric(
            .RPL_MYINFO, server.rawValue, configuration.version, "Bio",
            ChannelModeTable.myInfoLetters, ChannelModeTable.myInfoParameterLetters
        )
        sendISupport(into: &replies)
        sendLusers(into: &replies)
        sendMOTD(into: &replies)
        if let joinedUser {
            for key in users.read(joinedUser, { $0.channels }) ?? [] {
                guard let channel = channels[key] else { continue }
                let params = client.capabilities.contains(.extendedJoin)
                    ? [channel.name, account(of: joinedUser) ?? "*", client.realname] : [channel.name]
                let announcement = IRCMessage(source: client.source, command: "JOIN", params: params)
                deliver(announcement, to: deliveryGroups(of: [session]), now: now, into: &replies)
                sendTopicAndNames(of: channel, to: [session], now: now, into: &replies)
            }
        } else if channels[IRCCaseMapping.fold(configuration.defaultChannel)] != nil {
            join(configuration.defaultChannel, session: session, now: now, into: &replies)
        }
        if let warning = expiryWarning(for: client, now: now) {
            replies.notice(warning)
        }
        if joinedUser == nil, knownNicks.contains(IRCCaseMapping.fold(nick)) {
            // What was kept while the nick was offline goes to the session that brings it online.
            let request = HistoryRequest(
                session: session, subcommand: HistoryRequest.offline, target: nick,
                read: .offline(recipient: IRCCaseMapping.fold(nick)), limit: HistoryLimit.maximum
            )
            replies.append(.queryHistory(request))
        }
    }

    /// The NOTICE for a certificate that expires within `expiryWarningDays` or already
    /// has; days are counted up, so 30 hours left reads "2 days".
    func expiryWarning(for client: HubSession, now: Date) -> String? {
        let remaining = client.identity.certificateNotAfter.timeIntervalSince(now)
        guard remaining < Double(configuration.expiryWarningDays) * 86_400 else { return nil }
        let date = String(Self.serverTime(client.identity.certificateNotAfter).tagValue.prefix(10))
        let renew = "renew it with: scripts/gen-certs.sh client \(client.account)"
        guard remaining > 0 else {
            return "Your certificate expired on \(date); \(renew)"
        }
        let days = Int((remaining / 86_400).rounded(.up))
        return "Your certificate expires in \(days) \(days == 1 ? "day" : "days") (\(date)); \(renew)"
    }
}
