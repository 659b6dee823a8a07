import IRC

extension HubState {
    /// The three commands that carry a message from one client to others.
    enum RelayKind {
        case privmsg, notice, tagmsg

        var command: String {
            switch self {
            case .privmsg: "PRIVMSG"
            case .notice: "NOTICE"
            case .tagmsg: "TAGMSG"
            }
        }
    }

    /// PRIVMSG <target>{,<target>} <text to be sent>
    /// NOTICE <target>{,<target>} <text to be sent>
    /// TAGMSG <target>{,<target>}
    ///
    /// A channel target reaches every member but the sender and needs membership (404);
    /// a nick reaches that session only. With echo-message the sender gets its copy too.
    /// Relayed messages keep the sender's `nick!user@host`, gain a `time` tag for
    /// server-time recipients and carry the sender's `+` tags to message-tags
    /// recipients; TAGMSG reaches message-tags recipients only. NOTICE never gets an
    /// error reply. More than `maxTargets` targets: 407, nothing is sent.
    mutating func relay(_ kind: RelayKind, _ command: HubCommandContext, into replies: inout HubResponseBuffer) {
        guard let client = sessions[command.session] else { return }
        let reportsErrors = kind != .notice
        guard let targetList = command.params.first, !targetList.isEmpty else {
            if reportsErrors { replies.numeric(.ERR_NORECIPIENT, "No recipient given (\(kind.command))") }
            return
        }
        var text: String?
        if kind != .tagmsg {
            guard command.params.count > 1, !command.params[1].isEmpty else {
                if reportsErrors { replies.numeric(.ERR_NOTEXTTOSEND, "No text to send") }
                return
            }
            text = command.params[1]
            // In place: copying the session out and back costs a retain per field.
            sessions[command.session]?.lastMessageAt = command.now
        }
        var targets: [String]
        if !targetList.utf8.contains(UInt8(ascii: ",")) {
            targets = [targetList]  // the usual case: one target, nothing to de-duplicate
        } else {
            targets = []
            var seen: Set<String> = []
            for target in Self.commaList(targetList) where seen.insert(IRCCaseMapping.fold(target)).inserted {
                targets.append(target)
            }
        }
        guard targets.count <= configuration.maxTargets else {
            if reportsErrors {
                replies.numeric(
                    .ERR_TOOMANYTARGETS, targets[configuration.maxTargets],
                    "Too many targets; at most \(configuration.maxTargets) are allowed"
                )
            }
            return
        }
        let clientTags = client.capabilities.contains(.messageTags) ? Self.clientOnlyTags(of: command.message) : [:]
        let echo = client.capabilities.contains(.echoMessage)
        let onlyWithMessageTags = kind == .tagmsg

        for target in targets {
            let key = IRCCaseMapping.fold(target)
            if target.hasPrefix("#") {
                guard let channel = channels[key] else {
                    if reportsErrors { replies.numeric(.ERR_NOSUCHNICK, target, "No such nick/channel") }
                    continue
                }
                guard channel.contains(command.session) else {
                    if reportsErrors { replies.numeric(.ERR_CANNOTSENDTOCHAN, channel.name, "Cannot send to channel") }
                    continue
                }
                let message = IRCMessage(source: client.source, command: kind.command, params: [channel.name] + (text.map { [$0] } ?? []))
                deliver(
                    message, clientTags: clientTags, toGroups: deliveryGroups(ofChannel: key),
                    excluding: echo ? nil : command.session,
                    onlyWithMessageTags: onlyWithMessageTags, now: command.now, into: &replies
                )
            } else {
                guard let recipient = nicks[key], let recipientSession = sessions[recipient], let nick = recipientSession.nick else {
                    if reportsErrors { replies.numeric(.ERR_NOSUCHNICK, target, "No such nick/channel") }
                    continue
                }
                let message = IRCMessage(source: client.source, command: kind.command, params: [nick] + (text.map { [$0] } ?? []))
                let recipients = echo && recipient != command.session ? [recipient, command.session] : [recipient]
                deliver(
                    message, clientTags: clientTags, to: recipients,
                    onlyWithMessageTags: onlyWithMessageTags, now: command.now, into: &replies
                )
                if kind == .privmsg, let away = recipientSession.awayMessage {
                    replies.numeric(.RPL_AWAY, nick, away)
                }
            }
        }
    }

    /// The message's client-only (`+`) tags, or none when together they exceed what a
    /// client may send (IRCv3 gives each side 4094 bytes), so the relayed line stays legal.
    static func clientOnlyTags(of message: IRCMessage) -> IRCTags {
        let tags = IRCTags(message.tags.filter(\.isClientOnly))
        let size = tags.reduce(0) { $0 + $1.key.utf8.count + ($1.value?.utf8.count ?? 0) * 2 + 2 }
        return size <= IRCLimits.maxTagDataBytesPerSide ? tags : [:]
    }

    /// AWAY [<text>]
    mutating func away(_ command: HubCommandContext, into replies: inout HubResponseBuffer) {
        let text = command.params.first.flatMap { $0.isEmpty ? nil : $0 }
        sessions[command.session]?.awayMessage = text
        if text == nil {
            replies.numeric(.RPL_UNAWAY, "You are no longer marked as being away")
        } else {
            replies.numeric(.RPL_NOWAWAY, "You have been marked as being away")
        }
    }
}
