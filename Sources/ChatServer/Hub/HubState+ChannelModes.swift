import Foundation
import IRC

extension HubState {
    /// MODE <channel> [<modestring> [<mode arguments>...]]
    ///
    /// Without a modestring: 324 (the key shown to members only, `*` to others) and 329.
    /// Each letter is looked up in ``ChannelModeTable``: lists `b`, `e`, `I` without a
    /// parameter are listed to anyone; every change needs channel operator status (482,
    /// or 442 for a non-member, once per command). At most
    /// ``ChannelModeTable/maxParameterModes`` changes with a parameter count; later ones
    /// are ignored. Members see one MODE line with what actually changed (two when
    /// long masks would make it over 512 bytes).
    mutating func channelMode(_ command: HubCommandContext, into replies: inout HubResponseBuffer) {
        guard let (source, nick, user, found) = channelCommand(command, into: &replies) else { return }
        var channel = found
        guard command.params.count > 1 else {
            let modes = channel.modes.modeString(showingKey: channel.contains(user))
            replies.reply(IRCMessage(source: server, numeric: .RPL_CHANNELMODEIS, params: [replies.target, channel.name] + modes))
            replies.numeric(.RPL_CREATIONTIME, channel.name, Self.unixSeconds(channel.createdAt))
            return
        }
        let change = ChannelModeChange(by: nick, at: command.now)
        var arguments = command.params.dropFirst(2).makeIterator()
        var adding = true
        var parameterModes = 0
        var denied = false
        var listed: Set<ChannelModes.List> = []
        var unknown: Set<Character> = []
        var applied = AppliedModes()
        for letter in command.params[1] {
            if letter == "+" || letter == "-" {
                adding = letter == "+"
                continue
            }
            guard let row = ChannelModeTable.row(letter) else {
                // Once per letter: a line of unknown letters gets a few replies, not hundreds.
                if unknown.insert(letter).inserted {
                    replies.numeric(.ERR_UNKNOWNMODE, String(letter), "is unknown mode char to me")
                }
                continue
            }
            var argument: String?
            switch row.kind {
            case .list(let list):
                argument = arguments.next()
                if argument == nil {
                    if listed.insert(list).inserted { sendList(list, of: channel, into: &replies) }
                    continue
                }
            case .key, .status:
                argument = arguments.next()
            case .limit:
                argument = adding ? arguments.next() : nil
            case .flag:
                break
            }
            if argument == nil && Self.needsArgument(row.kind, adding: adding) {
                replies.numeric(.ERR_NEEDMOREPARAMS, "MODE", "Not enough parameters")
                continue
            }
            if argument != nil {
                parameterModes += 1
                guard parameterModes <= ChannelModeTable.maxParameterModes else { continue }
            }
            guard channel.isOperator(user) else {
                if !denied {
                    denied = true
                    if channel.contains(user) {
                        replies.numeric(.ERR_CHANOPRIVSNEEDED, channel.name, "You're not channel operator")
                    } else {
                        replies.numeric(.ERR_NOTONCHANNEL, channel.name, "You're not on that channel")
                    }
                }
                continue
            }
            apply(row, adding: adding, argument: argument, change, to: &channel, applied: &applied, into: &replies)
        }
        guard !applied.isEmpty else { return }
        channels[channel.key] = channel
        let members = deliveryGroups(ofChannel: channel.key)
        for announcement in applied.messages(source: source, channel: channel.name) {
            deliver(announcement, to: members, now: command.now, into: &replies)
        }
    }

    /// Who makes a change and when, for list entries.
    private struct ChannelModeChange {
        let by: String
        let at: Date
    }

    /// Whether the change cannot be made without a parameter: `+k`, `+l`, `+o`/`-o`,
    /// `+v`/`-v` (a list without one is listed instead, `-k` and `-l` need none).
    private static func needsArgument(_ kind: ChannelModeTable.Kind, adding: Bool) -> Bool {
        switch kind {
        case .key, .limit: adding
        case .status: true
        case .list, .flag: false
        }
    }

    /// Changes one mode on `channel` and records it in `applied` when something changed;
    /// answers the numeric when the argument is refused.
    private mutating func apply(
        _ row: ChannelModeTable.Row, adding: Bool, argument: String?, _ change: ChannelModeChange,
        to channel: inout ChatChannel, applied: inout AppliedModes, into replies: inout HubResponseBuffer
    ) {
        let letter = row.letter
        switch row.kind {
        case .flag(let flag):
            guard channel.modes.flags.contains(flag) != adding else { return }
            if adding { channel.modes.flags.insert(flag) } else { channel.modes.flags.remove(flag) }
            applied.append(adding, letter, nil)
        case .key:
            guard adding else {
                guard channel.modes.key != nil else { return }
                channel.modes.key = nil
                applied.append(false, letter, "*")
                return
            }
            guard let key = argument, Self.isValidKey(key) else {
                replies.numeric(
                    .ERR_INVALIDKEY, channel.name,
                    "Key is not well-formed: 1 to \(ChannelModes.maxKeyBytes) bytes, no comma"
                )
                return
            }
            guard channel.modes.key == nil else {
                replies.numeric(.ERR_KEYSET, channel.name, "Channel key already set; remove it with -k first")
                return
            }
            channel.modes.key = key
            applied.append(true, letter, key)
        case .limit:
            guard adding else {
                guard channel.modes.limit != nil else { return }
                channel.modes.limit = nil
                applied.append(false, letter, nil)
                return
            }
            guard let text = argument, let limit = Int(text), limit > 0, limit <= 1_000_000 else {
                replies.numeric(
                    .ERR_INVALIDMODEPARAM, channel.name, String(letter), argument ?? "",
                    "The limit must be a whole number from 1 to 1000000"
                )
                return
            }
            guard channel.modes.limit != limit else { return }
            channel.modes.limit = limit
            applied.append(true, letter, String(limit))
        case .status(let status):
            guard let nick = argument else { return }
            guard let target = user(named: nick), let targetNick = users.read(target, { $0.nick }) else {
                replies.numeric(.ERR_NOSUCHNICK, nick, "No such nick/channel")
                return
            }
            guard channel.contains(target) else {
                replies.numeric(.ERR_USERNOTINCHANNEL, targetNick, channel.name, "They aren't on that channel")
                return
            }
            guard channel.set(status, of: target, adding) else { return }
            applied.append(adding, letter, targetNick)
        case .list(let list):
            guard let raw = argument else { return }
            guard adding else {
                guard let removed = channel.modes.remove(ChannelMask.normalized(raw) ?? raw, from: list) else { return }
                applied.append(false, letter, removed)
                return
            }
            guard let mask = ChannelMask(raw, setBy: change.by, setAt: change.at) else {
                replies.numeric(
                    .ERR_INVALIDMODEPARAM, channel.name, String(letter), raw,
                    "Not a mask: give nick!user@host with * and ? as wildcards, or \(ChannelMask.accountPrefix)<account>"
                )
                return
            }
            guard channel.modes.entries(list).count < ChannelModes.maxListEntries else {
                replies.numeric(
                    .ERR_BANLISTFULL, channel.name, String(letter),
                    "Channel list is full (\(ChannelModes.maxListEntries) entries)"
                )
                return
            }
            guard channel.modes.add(mask, to: list) else { return }
            applied.append(true, letter, mask.text)
        }
    }

    /// A key JOIN can give: 1 to ``ChannelModes/maxKeyBytes`` bytes, no comma (JOIN's
    /// separator), no space, not starting with `:`.
    static func isValidKey(_ key: String) -> Bool {
        !key.isEmpty && key.utf8.count <= ChannelModes.maxKeyBytes && !key.hasPrefix(":")
            && !key.contains(where: { $0 == "," || $0 == " " })
    }

    /// The entries of `list` with who set each and when, then its end numeric.
    private func sendList(_ list: ChannelModes.List, of channel: ChatChannel, into replies: inout HubResponseBuffer) {
        let (entry, end, text): (IRCNumeric, IRCNumeric, String) =
            switch list {
            case .bans: (.RPL_BANLIST, .RPL_ENDOFBANLIST, "End of channel ban list")
            case .exceptions: (.RPL_EXCEPTLIST, .RPL_ENDOFEXCEPTLIST, "End of channel exception list")
            case .inviteExceptions: (.RPL_INVEXLIST, .RPL_ENDOFINVEXLIST, "End of Channel Invite Exception List")
            }
        for mask in channel.modes.entries(list) {
            replies.numeric(entry, channel.name, mask.text, mask.setBy, Self.unixSeconds(mask.setAt))
        }
        replies.numeric(end, channel.name, text)
    }
}
