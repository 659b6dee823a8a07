import Foundation
import HistoryStore
import IRC

extension HubState {
    /// PRIVMSG @<channel> <text> (and NOTICE, TAGMSG): to the channel's operators only
    /// (`STATUSMSG=@`), every session of each, the target kept as `@<channel>` so that
    /// they see to whom it went. The sender must be on the channel (404), as for the
    /// channel itself. Not kept in the history log, which every member may read: the
    /// echo goes out at once.
    mutating func relayToOperators(
        _ relayed: RelayedMessage, of name: String, _ command: HubCommandContext, into replies: inout HubResponseBuffer
    ) {
        guard let channel = channels[IRCCaseMapping.fold(name)] else {
            if relayed.reportsErrors { replies.numeric(.ERR_NOSUCHNICK, "@" + name, "No such nick/channel") }
            return
        }
        guard channel.contains(relayed.client.user) else {
            if relayed.reportsErrors { replies.numeric(.ERR_CANNOTSENDTOCHAN, channel.name, "Cannot send to channel") }
            return
        }
        let id = configuration.messageIDs.next()
        let message = relayed.message(to: "@" + channel.name)
        let tags = Self.withMessageID(relayed.clientTags, id)
        let operators = channel.members.filter(channel.isOperator)
        deliver(
            message, clientTags: tags, to: deliveryGroups(ofUsers: operators), excluding: command.session,
            onlyWithMessageTags: relayed.kind == .tagmsg, now: command.now, into: &replies
        )
        if relayed.client.capabilities.contains(.echoMessage) {
            echoWhenStored(message, tags: tags, id: id, relayed, command, stored: false, into: &replies)
        }
    }
}
