import Foundation
import IRC

extension HubState {
    /// Makes the registered `session` the first session of its nick, which comes online as
    /// a new user; returns the user.
    @discardableResult
    mutating func addUser(for session: SessionID, nick: String, now: Date) -> UserID {
        let connectedAt = sessions.read(session) { $0.connectedAt } ?? now
        let user = users.add { HubUser(id: $0, nick: nick, session: session, signedOnAt: connectedAt, now: now) }
        nicks[IRCCaseMapping.fold(nick)] = user
        sessions.update(session) { $0.userID = user }
        maxUserCount = max(maxUserCount, users.count)
        return user
    }

    /// Makes the registered `session` one more session of the online `user`, in the
    /// user's spelling of the nick: it receives from now on what is sent to the nick and
    /// its channels. Nobody is told.
    ///
    /// Beyond `maxSessionsPerNick` the user's oldest sessions are closed with "Closing
    /// link: more than N sessions for <nick>; this was the oldest", so a forgotten
    /// connection makes room for the new one; the nick stays online, so nobody sees a QUIT.
    mutating func addSession(_ session: SessionID, to user: UserID, now: Date, into replies: inout HubResponseBuffer) {
        guard let (nick, all) = users.update(user, { user -> (String, [SessionID]) in
            user.sessions.append(session)
            return (user.nick, user.sessions)
        }) else { return }
        sessions.update(session) { client in
            client.nick = nick
            client.userID = user
        }
        invalidateDeliveryGroups(of: user)
        if refreshAway(of: user) { announceAway(of: user, now: now, into: &replies) }
        let limit = max(1, configuration.maxSessionsPerNick)
        let reason = "Closing link: more than \(limit) \(limit == 1 ? "session" : "sessions") for \(nick); this was the oldest"
        for oldest in all.dropLast(limit) {
            closeSession(oldest, reason: reason, now: now, into: &replies)
        }
    }

    /// Takes `user` off `channel` (by key) on both sides; an emptied channel other than the
    /// default one is deleted.
    mutating func leave(_ user: UserID, channel key: String) {
        users.update(user) { $0.channels.removeAll { $0 == key } }
        guard var channel = channels[key] else { return }
        channel.remove(user)
        channels[key] = channel.isEmpty && !channel.isDefault ? nil : channel
    }

    /// Removes the session. When it was its nick's last session, the nick goes offline:
    /// its channel peers see `QUIT :<quitReason>` once each and it leaves its channels.
    /// Otherwise nobody is told: the nick is still there.
    mutating func removeSession(_ session: SessionID, quitReason: String, now: Date, into replies: inout HubResponseBuffer) {
        guard let (user, source, realname) = sessions.read(session, { ($0.userID, $0.source, $0.realname) }) else { return }
        let accountBefore = user.flatMap { self.account(of: $0) }
        sessions[session] = nil
        operators[session] = nil
        unmonitorAll(session)
        guard let user else { return }
        let remaining = users.update(user) { user -> Int in
            user.sessions.removeAll { $0 == session }
            return user.sessions.count
        }
        guard remaining == 0 else {
            invalidateDeliveryGroups(of: user)
            if refreshAway(of: user) { announceAway(of: user, now: now, into: &replies) }
            announceAccount(of: user, ifNot: accountBefore, now: now, into: &replies)
            return
        }
        let quit = IRCMessage(source: source, command: "QUIT", params: [quitReason])
        deliver(quit, to: deliveryGroups(of: peers(of: user)), now: now, into: &replies)
        guard let gone = users.removeValue(forKey: user) else { return }
        rememberDeparture(nick: gone.nick, source: source, realname: realname, now: now)
        announceOffline(gone.nick, now: now, into: &replies)
        for key in gone.channels {
            leave(user, channel: key)
        }
        if nicks[gone.key] == user {
            nicks[gone.key] = nil
        }
    }

    /// Removes the session (when it was its nick's last, its peers see QUIT with
    /// `quitReason`, by default `reason`) and asks the transport to send `ERROR :<reason>`
    /// and close it.
    mutating func closeSession(
        _ session: SessionID, reason: String, quitReason: String? = nil, now: Date, into replies: inout HubResponseBuffer
    ) {
        let nick = sessions.read(session) { $0.nick } ?? nil
        removeSession(session, quitReason: quitReason ?? reason, now: now, into: &replies)
        replies.append(.close(session, nick: nick, reason: reason))
    }

    /// Sets what others see as `user`'s away text: while every session of the nick is
    /// away, the text set last (among equal times, by the newest session); otherwise none,
    /// so a phone that goes away does not mark the laptop's user away.
    ///
    /// Returns whether what others see changed.
    @discardableResult
    mutating func refreshAway(of user: UserID) -> Bool {
        guard let ids = users.read(user, { $0.sessions }) else { return false }
        var shown: (message: String, since: Date)?
        for id in ids {
            guard let away = sessions.read(id, { $0.away }) else { continue }
            guard let away else {
                shown = nil
                break
            }
            if let current = shown, away.since < current.since { continue }
            shown = away
        }
        return users.update(user) { user -> Bool in
            defer { user.awayMessage = shown?.message }
            return user.awayMessage != shown?.message
        } ?? false
    }
}
