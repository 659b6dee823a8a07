import Foundation
import IRC

extension HubState {
    /// WHO <mask>
    ///
    /// A channel lists its members (nothing for a secret channel the asker is not on; a
    /// non-member does not see members with `+i`). Anything else is an ``IRCMask``
    /// matched against each nick and its `nick!user@host`, as Ergo and InspIRCd do
    /// (`WHO *`, `WHO eva*`, `WHO *!*@host`; `0` means `*`), listing each matching nick
    /// once, sorted, without those with `+i` who share no channel with the asker. A mask
    /// without wildcards naming a nick online lists that nick, `+i` or not, as WHOIS
    /// would. A nick stands with its oldest session's `user@host`. Ends with 315.
    mutating func who(_ command: HubCommandContext, into replies: inout HubResponseBuffer) {
        let mask = command.params[0]
        guard let (asker, multiPrefix) = sessions.read(command.session, { ($0.userID, $0.capabilities.contains(.multiPrefix)) })
        else { return }
        if mask.hasPrefix("#") {
            if let channel = channels[IRCCaseMapping.fold(mask)], channelIsVisible(channel, to: asker) {
                let isMember = asker.map(channel.contains) ?? false
                for member in channel.members {
                    guard let (user, session) = describe(member), isMember || !user.isInvisible else { continue }
                    let prefixes = channel.prefixes(of: member, all: multiPrefix)
                    sendWhoReply(for: user, session, channel: channel.name, prefixes: prefixes, into: &replies)
                }
            }
        } else {
            for id in whoMatches(IRCMask(mask == "0" ? "*" : mask), asker: asker) {
                guard let (user, session) = describe(id) else { continue }
                sendWhoReply(for: user, session, channel: "*", prefixes: "", into: &replies)
            }
        }
        replies.numeric(.RPL_ENDOFWHO, mask, "End of WHO list")
    }

    /// The nicks `mask` lists for `asker`, sorted by folded nick.
    private func whoMatches(_ mask: IRCMask, asker: UserID?) -> [UserID] {
        if !mask.hasWildcards, let exact = user(named: mask.pattern) {
            return [exact]
        }
        var sharing: Set<UserID> = []
        if let asker {
            sharing.insert(asker)
            for key in users.read(asker, { $0.channels }) ?? [] {
                sharing.formUnion(channels[key]?.members ?? [])
            }
        }
        var found: [(key: String, id: UserID)] = []
        users.forEach { user in
            guard !user.isInvisible || sharing.contains(user.id) else { return }
            let hostmask = user.sessions.first.flatMap { id in sessions.read(id) { $0.source.rawValue } }
            if mask.matches(user.nick) || hostmask.map(mask.matches) == true {
                found.append((user.key, user.id))
            }
        }
        return found.sorted { $0.key < $1.key }.map(\.id)
    }

    /// One RPL_WHOREPLY: flags `H` (here) or `G` (gone, away), `*` for a server operator,
    /// `B` for a bot, then the channel prefixes.
    private func sendWhoReply(
        for user: HubUser, _ session: HubSession, channel: String, prefixes: String, into replies: inout HubResponseBuffer
    ) {
        let serverOperator = operatorClass(ofUser: user.id) == nil ? "" : "*"
        let flags = (user.awayMessage == nil ? "H" : "G") + serverOperator + (user.isBot ? "B" : "") + prefixes
        replies.numeric(
            .RPL_WHOREPLY, channel, session.user ?? "*", session.host, server.rawValue, user.nick, flags,
            "0 \(session.realname)"
        )
    }
}
