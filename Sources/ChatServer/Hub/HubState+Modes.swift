import IRC

extension HubState {
    /// MODE <target> [<modestring> [<mode arguments>...]]
    ///
    /// Channel modes are in HubState+ChannelModes.swift. Users have `i`, which hides them
    /// from the visible count in LUSERS and from WHO masks of those sharing no channel
    /// with them; `B` (a bot, tagged `bot` on its messages); and `o` (server operator),
    /// which only OPER grants and `MODE <nick> -o` drops. Channel status, `i` and `B`
    /// belong to the nick: they hold for every session of it, and each session sees its
    /// nick's mode change; `o` belongs to the session that gave OPER.
    mutating func mode(_ command: HubCommandContext, into replies: inout HubResponseBuffer) {
        if command.params[0].hasPrefix("#") {
            channelMode(command, into: &replies)
        } else {
            userMode(command, into: &replies)
        }
    }

    private mutating func userMode(_ command: HubCommandContext, into replies: inout HubResponseBuffer) {
        guard let (source, nick, user) = sessions.read(command.session, { ($0.source, $0.nick, $0.userID) }),
            let nick, let user, var (isInvisible, isBot) = users.read(user, { ($0.isInvisible, $0.isBot) })
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
            replies.numeric(.RPL_UMODEIS, "+" + (isInvisible ? "i" : "") + operatorMode + (isBot ? "B" : ""))
            return
        }
        var adding = true
        var unknown = false
        var changed: String?
        var dropsOperator = false
        var botChanged: String?
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
            case "B":
                if isBot != adding {
                    isBot = adding
                    botChanged = adding ? "+B" : "-B"
                }
            default:
                unknown = true
            }
        }
        users.update(user) { user in
            user.isInvisible = isInvisible
            user.isBot = isBot
        }
        if unknown {
            replies.numeric(.ERR_UMODEUNKNOWNFLAG, "Unknown MODE flag")
        }
        let applied = Self.joinedModeChanges([changed, botChanged].compactMap { $0 })
        if !applied.isEmpty, let own = users.read(user, { $0.sessions }) {
            replies.send(IRCMessage(source: source, command: "MODE", params: [nick, applied]), to: own)
        }
        if dropsOperator {
            dropOperator(command.session, source: source, why: "MODE -o", into: &replies)
        }
    }

    /// Single mode changes (`+i`, `-B`) as one mode string: `+iB`, `+i-B`.
    static func joinedModeChanges(_ changes: [String]) -> String {
        var result = ""
        var sign: Character?
        for change in changes {
            guard let first = change.first else { continue }
            if first != sign {
                result.append(first)
                sign = first
            }
            result += change.dropFirst()
        }
        return result
    }

    /// Whether the nick has user mode `B`.
    func isBot(_ user: UserID) -> Bool {
        users.read(user) { $0.isBot } ?? false
    }
}
