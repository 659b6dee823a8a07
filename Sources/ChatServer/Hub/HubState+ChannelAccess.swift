import Foundation
import IRC

/// Who may join, speak on and see a channel, by its modes.
extension HubState {
    /// What ban masks are matched against for `user`: each of its sessions'
    /// `nick!user@host` and account. A nick is banned when any of its sessions is, since
    /// channels belong to the nick.
    func maskSubjects(of user: UserID) -> [ChannelMask.Subject] {
        guard let ids = users.read(user, { $0.sessions }) else { return [] }
        return ids.compactMap { id in
            sessions.read(id) { ChannelMask.Subject(hostmask: $0.source.rawValue, account: $0.account) }
        }
    }

    /// Why `user` may not join `channel` with `key`, as the numeric and its text; nil
    /// when it may.
    ///
    /// A ban (474) holds unless an exception (`+e`) matches. An invitation (INVITE) lets
    /// the nick past `+i`, `+k` and `+l`, not past a ban; an invite exception (`+I`) only
    /// past `+i`.
    func joinRefusal(of user: UserID, to channel: ChatChannel, key: String?) -> (IRCNumeric, String)? {
        let modes = channel.modes
        let needsSubjects = !modes.entries(.bans).isEmpty
            || (modes.flags.contains(.inviteOnly) && !modes.entries(.inviteExceptions).isEmpty)
        let subjects = needsSubjects ? maskSubjects(of: user) : []
        if modes.bans(subjects) {
            return (.ERR_BANNEDFROMCHAN, "Cannot join channel (+b)")
        }
        if channel.invited.contains(user) { return nil }
        if modes.flags.contains(.inviteOnly) && !modes.listMatches(.inviteExceptions, subjects) {
            return (.ERR_INVITEONLYCHAN, "Cannot join channel (+i)")
        }
        if let wanted = modes.key, key != wanted {
            return (.ERR_BADCHANNELKEY, "Cannot join channel (+k)")
        }
        if let limit = modes.limit, channel.memberCount >= limit {
            return (.ERR_CHANNELISFULL, "Cannot join channel (+l)")
        }
        return nil
    }

    /// Whether `user` may send to `channel`: `+n` keeps out non-members; `+m` and a ban
    /// (without exception) silence everyone but operators and voiced members.
    func maySend(_ user: UserID, to channel: ChatChannel) -> Bool {
        let isMember = channel.contains(user)
        if !isMember && channel.modes.flags.contains(.noOutsideMessages) { return false }
        if isMember && (channel.isOperator(user) || channel.isVoiced(user)) { return true }
        if channel.modes.flags.contains(.moderated) { return false }
        if channel.modes.entries(.bans).isEmpty { return true }
        return !channel.modes.bans(maskSubjects(of: user))
    }

    /// Whether `asker` may see that `channel` exists and who is on it: always, unless it
    /// is secret (`+s`) and `asker` is not a member.
    func channelIsVisible(_ channel: ChatChannel, to asker: UserID?) -> Bool {
        guard channel.isSecret else { return true }
        guard let asker else { return false }
        return channel.contains(asker)
    }
}
