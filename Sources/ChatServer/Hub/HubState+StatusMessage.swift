import Foundation
import HistoryStore
import IRC

extension HubState {
    /// PRIVMSG @<channel> <text> (and NOTICE, TAGMSG): to the channel's operators only;
    /// `+<channel>`: to its voiced members and operators (`STATUSMSG=@+`). Every session
    /// of each, the target kept with its prefix so that they see to whom it went. The sender must be on the channel (404), as for the
    /// channel itself. Not kept in the history log, which every member may read: the
    /// echo goes out at once.
    mutating func relayToStatus(
        _ prefix: Character, _ relayed: RelayedMessage, of name: String, _ command: HubCommandContext, into replies: inout HubResponseBuffer
    ) {
        guard let channel = channels[IRCCaseMapping.fold(name)] else {
            if relayed.reportsErrors { replies.numeric(.ERR_NOSUCHNICK, String(prefix) + name, "No such nick/channel") }
            return
        }
        guard channel.contains(relayed.client.user) else {
            if relayed.reportsErrors { replies.numeric(.ERR_CANNOTSENDTOCHAN, channel.name, "Cannot send to channel") }
            return
        }
        let id = configuration.messageIDs.next()
        let message = relayed.message(to: String(prefix) + channel.name)
        let tags = Self.withMessageID(relayed, id)
        let recipients = channel.members.filter { channel.isOperator($0) || (prefix == "+" && channel.isVoiced($0)) }
        deliver(
            message, clientTags: tags, to: deliveryGroups(ofUsers: recipients), excluding: command.session,
            onlyWithMessageTags: relayed.kind == .tagmsg, now: command.now, into: &replies
        )
        if relayed.client.capabilities.contains(.echoMessage) {
            echoWhenStored(message, tags: tags, id: id, relayed, command, stored: false, into: &replies)
        }
    }
}
