import Foundation
import HistoryStore
import IRC
import ServerTime

extension HubState {
    /// CHATHISTORY LATEST <target> <* | msgid=… | timestamp=…> <limit>
    /// CHATHISTORY BEFORE|AFTER|AROUND <target> <msgid=… | timestamp=…> <limit>
    /// CHATHISTORY BETWEEN <target> <reference> <reference> <limit>
    /// CHATHISTORY TARGETS <timestamp=…> <timestamp=…> <limit>
    ///
    /// IRCv3 draft/chathistory. A channel's history is for its members; a private
    /// conversation's for its two nicks (every session of each). At most
    /// ``HistoryLimit/maximum`` messages per request; a larger limit is cut to it. The
    /// log is read off the hub's loop (``HubOutput/queryHistory(_:)``) and the answer
    /// comes back through ``answer(_:with:now:)``. Errors are standard replies:
    /// `FAIL CHATHISTORY NEED_MORE_PARAMS | UNKNOWN_COMMAND | INVALID_PARAMS | INVALID_TARGET`.
    mutating func chathistory(_ command: HubCommandContext, into replies: inout HubResponseBuffer) {
        guard let user = sessions.read(command.session, { $0.userID }) ?? nil,
            let (userKey, userChannels) = users.read(user, { ($0.key, $0.channels) })
        else { return }
        let params = command.params
        let subcommand = params[0].uppercased()
        let needed: Int
        switch subcommand {
        case "LATEST", "BEFORE", "AFTER", "AROUND", "TARGETS": needed = 4
        case "BETWEEN": needed = 5
        default:
            replies.fail("CHATHISTORY", .unknownCommand, [subcommand], "Unknown CHATHISTORY subcommand")
            return
        }
        guard params.count >= needed else {
            replies.fail("CHATHISTORY", .needMoreParameters, [subcommand], "Not enough parameters")
            return
        }
        guard let requested = Int(params[needed - 1]), requested > 0 else {
            replies.fail("CHATHISTORY", .invalidParameters, [subcommand, params[needed - 1]], "The limit must be a positive number")
            return
        }
        let limit = min(requested, HistoryLimit.maximum)
        func reference(_ text: String) -> HistoryReference? {
            let parsed = HistoryReference(parameter: text)
            if parsed == nil {
                replies.fail("CHATHISTORY", .invalidParameters, [subcommand, text], "Not a msgid= or timestamp= reference")
            }
            return parsed
        }
        if subcommand == "TARGETS" {
            guard let first = reference(params[1]), let second = reference(params[2]) else { return }
            guard case .timestamp(let from) = first, case .timestamp(let to) = second else {
                replies.fail("CHATHISTORY", .invalidParameters, [subcommand], "TARGETS takes two timestamp= references")
                return
            }
            let read = HistoryRequest.Read.targets(user: userKey, channels: userChannels, from: min(from, to), to: max(from, to))
            replies.append(.queryHistory(HistoryRequest(session: command.session, subcommand: subcommand, target: "*", read: read, limit: limit)))
            return
        }
        let target = params[1]
        let conversation: HistoryConversation
        if target.hasPrefix("#") {
            let key = IRCCaseMapping.fold(target)
            guard channels[key]?.contains(user) == true else {
                replies.fail("CHATHISTORY", .invalidTarget, [subcommand, target], "You are not on that channel")
                return
            }
            conversation = .channel(key)
        } else {
            guard IRCName.isValidNickname(target) else {
                replies.fail("CHATHISTORY", .invalidTarget, [subcommand, target], "Not a channel or a nick")
                return
            }
            conversation = .direct(userKey, IRCCaseMapping.fold(target))
        }
        let query: HistoryQuery
        switch subcommand {
        case "LATEST":
            if params[2] == "*" {
                query = .latest(after: nil)
            } else {
                guard let after = reference(params[2]) else { return }
                query = .latest(after: after)
            }
        case "BEFORE":
            guard let ref = reference(params[2]) else { return }
            query = .before(ref)
        case "AFTER":
            guard let ref = reference(params[2]) else { return }
            query = .after(ref)
        case "AROUND":
            guard let ref = reference(params[2]) else { return }
            query = .around(ref)
        default:
            guard let first = reference(params[2]), let second = reference(params[3]) else { return }
            query = .between(first, second)
        }
        let request = HistoryRequest(
            session: command.session, subcommand: subcommand, target: target, read: .messages(conversation, query), limit: limit
        )
        replies.append(.queryHistory(request))
    }

    /// The history log's answer to `request`: the messages inside a `chathistory` batch
    /// (a `draft/chathistory-targets` batch for TARGETS), each as first sent, with the
    /// tags the session negotiated (`time`, `msgid` and client tags, `batch`). An
    /// unknown msgid gives an empty batch; a log that could not be read,
    /// `FAIL CHATHISTORY MESSAGE_ERROR`.
    public mutating func answer(_ request: HistoryRequest, with answer: HistoryAnswer, now: Date) -> [HubOutput] {
        guard let (target, capabilities) = sessions.read(request.session, { ($0.replyTarget, $0.capabilities) }) else {
            return []
        }
        var replies = HubResponseBuffer(server: server, session: request.session, target: target)
        let lines: [IRCMessage]
        let batchType: String
        switch answer {
        case .failed(let error) where error.code != .unknownMessageID:
            // A replay or delivery nobody asked for fails quietly (the transport logs it).
            guard request.subcommand != HistoryRequest.replay, request.subcommand != HistoryRequest.offline else { return [] }
            replies.fail("CHATHISTORY", .messageError, [request.subcommand, request.target], "The history could not be read")
            guard let label = request.label else { return replies.outputs }
            return labeled(replies.outputs, label: label, session: request.session)
        case .failed:
            (lines, batchType) = ([], "chathistory")
        case .messages(let records) where request.subcommand == HistoryRequest.offline:
            // Delivered as they would have been, with their time where negotiated.
            for record in records { replies.reply(Self.replayed(record, to: capabilities)) }
            return replies.outputs
        case .messages(let records) where request.subcommand == HistoryRequest.replay:
            // Only what is younger than replay_max_age, counted from when the answer came.
            let since = Self.serverTime(now).millisecondsSinceEpoch - Int64(configuration.replayMaxAge / .milliseconds(1))
            let recent = records.filter { $0.event.time >= since }
            (lines, batchType) = (recent.map { Self.replayed($0, to: capabilities) }, "chathistory")
        case .messages(let records):
            (lines, batchType) = (records.map { Self.replayed($0, to: capabilities) }, "chathistory")
        case .targets(let listings):
            lines = listings.map { listing in
                IRCMessage(
                    source: server, command: "CHATHISTORY",
                    params: ["TARGETS", listing.target.display, "timestamp=" + ServerTimeFormat.format(listing.latest)]
                )
            }
            batchType = "draft/chathistory-targets"
        }
        batchCounter += 1
        inBatch(
            "h\(batchCounter)", type: batchType, parameters: request.target == "*" ? [] : [request.target],
            lines, capabilities: capabilities, into: &replies
        )
        guard let label = request.label else { return replies.outputs }
        return labeled(replies.outputs, label: label, session: request.session)
    }

    /// `lines` for the session, inside `BATCH +reference type parameters … BATCH -reference`
    /// when it negotiated `batch`, else as they are.
    func inBatch(
        _ reference: String, type: String, parameters: [String], _ lines: [IRCMessage],
        capabilities: HubCapabilities, into replies: inout HubResponseBuffer
    ) {
        guard capabilities.contains(.batch) else {
            for line in lines { replies.reply(line) }
            return
        }
        replies.reply(IRCMessage(source: server, command: "BATCH", params: ["+" + reference, type] + parameters))
        for var line in lines {
            line.tags.set("batch", to: reference)
            replies.reply(line)
        }
        replies.reply(IRCMessage(source: server, command: "BATCH", params: ["-" + reference]))
    }

    /// A stored message as a session with `capabilities` is sent it again.
    static func replayed(_ record: HistoryRecord, to capabilities: HubCapabilities) -> IRCMessage {
        let event = record.event
        let params = event.kind == .tagmsg ? [event.target.display] : [event.target.display, event.text]
        var message = IRCMessage(source: IRCSource(event.source), command: event.kind.command, params: params)
        if capabilities.contains(.serverTime) {
            message.tags.set("time", to: ServerTimeFormat.format(event.time))
        }
        if capabilities.contains(.messageTags) {
            if !event.clientTags.isEmpty, let carrier = try? IRCMessage(parsing: Array("@\(event.clientTags) X".utf8)) {
                for tag in carrier.tags { message.tags.set(tag.key, to: tag.value) }
            }
            message.tags.set("msgid", to: record.id.description)
        }
        if capabilities.contains(.accountTag), let account = event.account, !account.isEmpty, account != "*" {
            message.tags.set("account", to: account)
        }
        return message
    }
}
