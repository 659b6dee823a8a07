import IRC

extension HubState {
    /// MODE <target> [<modestring> [<mode arguments>...]]
    ///
    /// Channels have fixed modes `n` and `t` (the default channel only `n`), operator
    /// status `o`, and an always-empty ban list `b` (identity is the certificate, so a
    /// ban is done in the allowlist). Users have `i`, which only hides them from the
    /// visible count in LUSERS. Both belong to the nick: operator status and `i` hold for
    /// every session of it, and each session sees its nick's mode change.
    mutating func mode(_ command: HubCommandContext, into replies: inout HubResponseBuffer) {
        if command.params[0].hasPrefix("#") {
            channelMode(command, into: &replies)
        } else {
            userMode(command, into: &replies)
        }
    }

    private mutating func channelMode(_ command: HubCommandContext, into replies: inout HubResponseBuffer) {
        guard let (source, user) = sessions.read(command.session, { ($0.source, $0.userID) }), let user else { return }
        guard var channel = existingChannel(command.params[0], into: &replies) else { return }
        guard command.params.count > 1 else {
            replies.numeric(.RPL_CHANNELMODEIS, channel.name, channel.modes)
            replies.numeric(.RPL_CREATIONTIME, channel.name, Self.unixSeconds(channel.createdAt))
            return
        }
        var arguments = command.params.dropFirst(2).makeIterator()
        var adding = true
        var sentBanList = false
        var deniedPrivileges = false
        var applied: (modes: String, arguments: [String], sign: Character?) = ("", [], nil)
        for letter in command.params[1] {
            switch letter {
            case "+": adding = true
            case "-": adding = false
            case "b":
                if let mask = arguments.next() {
                    replies.numeric(.ERR_UNKNOWNMODE, "b", "is unknown mode char to me; bans are made in the allowlist, not \(mask)")
                } else if !sentBanList {
                    sentBanList = true
                    replies.numeric(.RPL_ENDOFBANLIST, channel.name, "End of channel ban list")
                }
            case "n", "t":
                // Fixed modes: asking for what already holds is a no-op, anything else unknown.
                let holds = channel.modes.contains(letter)
                if holds != adding {
                    replies.numeric(.ERR_UNKNOWNMODE, String(letter), "is unknown mode char to me")
                }
            case "o":
                guard let nick = arguments.next() else {
                    replies.numeric(.ERR_NEEDMOREPARAMS, "MODE", "Not enough parameters")
                    continue
                }
                guard !deniedPrivileges else { continue }
                guard channel.isOperator(user) else {
                    deniedPrivileges = true
                    let numeric: IRCNumeric = channel.contains(user) ? .ERR_CHANOPRIVSNEEDED : .ERR_NOTONCHANNEL
                    let text = channel.contains(user) ? "You're not channel operator" : "You're not on that channel"
                    replies.numeric(numeric, channel.name, text)
                    continue
                }
                guard let target = self.user(named: nick), let targetNick = users.read(target, { $0.nick }) else {
                    replies.numeric(.ERR_NOSUCHNICK, nick, "No such nick/channel")
                    continue
                }
                guard channel.contains(target) else {
                    replies.numeric(.ERR_USERNOTINCHANNEL, targetNick, channel.name, "They aren't on that channel")
                    continue
                }
                guard channel.setOperator(target, adding) else { continue }
                let sign: Character = adding ? "+" : "-"
                if applied.sign != sign {
                    applied.modes.append(sign)
                    applied.sign = sign
                }
                applied.modes.append("o")
                applied.arguments.append(targetNick)
            default:
                replies.numeric(.ERR_UNKNOWNMODE, String(letter), "is unknown mode char to me")
            }
        }
        guard !applied.modes.isEmpty else { return }
        channels[channel.key] = channel
        let announcement = IRCMessage(
            source: source, command: "MODE", params: [channel.name, applied.modes] + applied.arguments
        )
        deliver(announcement, to: deliveryGroups(ofChannel: channel.key), now: command.now, into: &replies)
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
            replies.numeric(.RPL_UMODEIS, "+" + (isInvisible ? "i" : "") + (isBot ? "B" : ""))
            return
        }
        var adding = true
        var unknown = false
        var changed: String?
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
