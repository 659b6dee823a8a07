import Foundation
import IRC

extension HubState {
    /// INVITE <nickname> <channel>
    ///
    /// Members may invite (442 otherwise), operators only while the channel is `+i`
    /// (482). The invitation lets the nick join past `+i`, `+k` and `+l` once, until it
    /// goes offline (``joinRefusal(of:to:key:)``). The inviter gets 341 (and 301 when the
    /// nick is away), every session of the invited nick gets the INVITE, and so do the
    /// channel's sessions with `invite-notify` that could have invited it themselves
    /// (operators when `+i`, else every member), the inviting session excepted.
    mutating func invite(_ command: HubCommandContext, into replies: inout HubResponseBuffer) {
        guard let (source, user) = sessions.read(command.session, { ($0.source, $0.userID) }), let user else { return }
        let nick = command.params[0]
        guard let invited = self.user(named: nick),
            let (invitedNick, invitedSessions, away) = users.read(invited, { ($0.nick, $0.sessions, $0.awayMessage) })
        else {
            replies.numeric(.ERR_NOSUCHNICK, nick, "No such nick/channel")
            return
        }
        guard var channel = existingChannel(command.params[1], into: &replies) else { return }
        guard channel.contains(user) else {
            replies.numeric(.ERR_NOTONCHANNEL, channel.name, "You're not on that channel")
            return
        }
        let inviteOnly = channel.modes.flags.contains(.inviteOnly)
        guard !inviteOnly || channel.isOperator(user) else {
            replies.numeric(.ERR_CHANOPRIVSNEEDED, channel.name, "You're not channel operator")
            return
        }
        guard !channel.contains(invited) else {
            replies.numeric(.ERR_USERONCHANNEL, invitedNick, channel.name, "is already on channel")
            return
        }
        channel.invited.insert(invited)
        channels[channel.key] = channel
        replies.numeric(.RPL_INVITING, invitedNick, channel.name)
        if let away {
            replies.numeric(.RPL_AWAY, invitedNick, away)
        }
        let invitation = IRCMessage(source: source, command: "INVITE", params: [invitedNick, channel.name])
        deliver(invitation, to: deliveryGroups(of: invitedSessions), now: command.now, into: &replies)
        var notified: [SessionID] = []
        for member in channel.members where !inviteOnly || channel.isOperator(member) {
            for session in users.read(member, { $0.sessions }) ?? [] where session != command.session {
                if sessions.read(session, { $0.capabilities.contains(.inviteNotify) }) == true {
                    notified.append(session)
                }
            }
        }
        deliver(invitation, to: deliveryGroups(of: notified), now: command.now, into: &replies)
    }
}
