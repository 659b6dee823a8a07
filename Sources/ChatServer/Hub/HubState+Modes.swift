import IRC

extension HubState {
    /// MODE <target> [<modestring> [<mode arguments>...]]
    ///
    /// Channel modes are in HubState+ChannelModes.swift. Users have `i`, which hides them
    /// from the visible count in LUSERS and from WHO masks of those sharing no channel
    /// with them, and `o` (server operator), which only OPER grants and
    /// `MODE <nick> -o` drops. Channel status and `i` belong to the nick: they hold for
    /// every session of it, and each session sees its nick's mode change; `o` belongs to
    /// the session that gave OPER.
    mutating func mode(_ command: HubCommandContext, into replies: inout HubResponseBuffer) {
        if command.params[0].hasPrefix("#") {
            channelMode(command, into: &replies)
        } else {
            userMode(command, into: &replies)
        }
    }

    private mutating func userMode(_ command: HubCommandContext, into replies: inout HubResponseBuffer) {
        guard let (source, nick, user) = sessions.read(command.session, { ($0.source, $0.nick, $0.userID) }),
            let nick, let user, var isInvisible = users.read(user, { $0.isInvisible })
        else { return }
        let target = command.params[0]
        guard IRCCaseMapping.equals(target, nick) else {
            if self.user(named: target) != nil {
                replies.numeric(.ERR_USERSDONTMATCH, "Can't change mode for other users")
            } else {
                replies.numeric(.ERR_NOSUCHNICK, target, "No such nick/channel")
            }
            return
        }
        guard command.params.count > 1 else {
            let operatorMode = operatorClass(of: command.session) == nil ? "" : "o"
            replies.numeric(.RPL_UMODEIS, "+" + (isInvisible ? "i" : "") + operatorMode)
            return
        }
        var adding = true
        var unknown = false
        var changed: String?
        var dropsOperator = false
        for letter in command.params[1] {
            switch letter {
            case "+": adding = true
            case "-": adding = false
            case "i":
                if isInvisible != adding {
                    isInvisible = adding
                    changed = adding ? "+i" : "-i"
                }
            case "o":
                // Only OPER grants +o; asked for by MODE it is ignored. Dropping it is this
                // session's alone, like the OPER that granted it.
                if !adding { dropsOperator = true }
            default:
                unknown = true
            }
        }
        users.update(user) { $0.isInvisible = isInvisible }
        if unknown {
            replies.numeric(.ERR_UMODEUNKNOWNFLAG, "Unknown MODE flag")
        }
        if let changed, let own = users.read(user, { $0.sessions }) {
            replies.send(IRCMessage(source: source, command: "MODE", params: [nick, changed]), to: own)
        }
        if dropsOperator {
            dropOperator(command.session, source: source, why: "MODE -o", into: &replies)
        }
    }
}
