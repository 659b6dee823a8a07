import Foundation
import HistoryStore
import IRC
import Moderation

extension HubState {
    /// BATCH +<reference> draft/multiline <target>
    /// BATCH -<reference>
    ///
    /// IRCv3 `draft/multiline`: the lines tagged `batch=<reference>` in between
    /// (``collectBatched(_:from:now:)``) are one message. At its end the batch goes to the
    /// target as one batch to recipients with `draft/multiline` and as separate lines to
    /// the others. Each line is its own record in the history log with its own msgid, in
    /// order; the batch's msgid is its first line's. A blank line reaches only clients
    /// with the capability, inside the batch. The sender's echo (echo-message) is the
    /// whole batch, once every line is stored; a `label` on `BATCH +` labels it.
    /// Errors are `FAIL BATCH MULTILINE_MAX_BYTES | MULTILINE_MAX_LINES |
    /// MULTILINE_INVALID_TARGET | MULTILINE_INVALID`, and nothing of the batch is sent.
    mutating func batch(_ command: HubCommandContext, into replies: inout HubResponseBuffer) {
        let label = label(of: command.message, from: command.session)
        let reference = command.params[0]
        guard let (capabilities, open) = sessions.read(command.session, { ($0.capabilities, $0.openBatch) }) else { return }
        if reference.hasPrefix("+") {
            var failure: String?
            if !capabilities.contains(.multiline) {
                failure = "Negotiate draft/multiline before sending a batch"
            } else if command.params.count < 3 || command.params[1] != MultilineBatch.batchType {
                failure = "Only BATCH +<reference> draft/multiline <target> is accepted from clients"
            } else if open != nil {
                failure = "A multiline batch is already open; batches do not nest"
            } else if reference.count < 2 {
                failure = "The batch needs a reference after +"
            }
            if let failure {
                labeledFail(.multilineInvalid, [], failure, label: label, into: &replies)
                return
            }
            let batch = MultilineBatch(reference: String(reference.dropFirst()), target: command.params[2], label: label)
            sessions.update(command.session) { $0.openBatch = batch }
            return
        }
        guard reference.hasPrefix("-"), let open, open.reference == reference.dropFirst() else {
            labeledFail(.multilineInvalid, [], "No multiline batch \(reference.dropFirst()) is open", label: label, into: &replies)
            return
        }
        sessions.update(command.session) { $0.openBatch = nil }
        if open.failure != nil { return }  // Reported when it happened.
        if let failure = open.failureAtEnd {
            labeledFail(failure.code, failure.context, failure.text, label: open.label, into: &replies)
            return
        }
        var sent = HubResponseBuffer(server: server, session: command.session, target: replies.target)
        sendMultiline(open, command, into: &sent)
        let outputs = open.label.map { labeled(sent.outputs, label: $0, session: command.session) } ?? sent.outputs
        for output in outputs { replies.append(output) }
    }

    /// A line tagged `batch=<reference>`: joins the session's open multiline batch. A
    /// line for no open batch, or one that breaks the batch's rules, gets `FAIL BATCH`.
    mutating func collectBatched(_ message: IRCMessage, from session: SessionID, now: Date) -> [HubOutput] {
        guard let (target, open) = sessions.read(session, { ($0.replyTarget, $0.openBatch) }) else { return [] }
        var replies = HubResponseBuffer(server: server, session: session, target: target)
        guard var batch = open, message.tags.value(for: "batch") == batch.reference else {
            let reference = message.tags.value(for: "batch") ?? ""
            replies.fail("BATCH", .multilineInvalid, "No multiline batch \(reference) is open")
            return replies.outputs
        }
        let failure = batch.add(message)
        sessions.update(session) { $0.openBatch = batch }
        if let failure {
            labeledFail(failure.code, failure.context, failure.text, label: batch.label, into: &replies)
        }
        return replies.outputs
    }

    /// `FAIL BATCH <code> <context>… :<text>`, with the batch's label when it had one.
    private func labeledFail(
        _ code: IRCFailCode, _ context: [String], _ text: String, label: String?, into replies: inout HubResponseBuffer
    ) {
        var fail = IRCMessage(source: server, command: "FAIL", params: ["BATCH", code.rawValue] + context + [text])
        if let label { fail.tags.set("label", to: label) }
        replies.reply(fail)
    }

    /// Delivers a complete batch: to a channel the sender is on, a nick online, or an
    /// allowlisted nick offline (kept for it, line by line), as PRIVMSG and NOTICE are.
    private mutating func sendMultiline(_ batch: MultilineBatch, _ command: HubCommandContext, into replies: inout HubResponseBuffer) {
        guard let sender = sessions.read(command.session, RelayedMessage.Sender.init) ?? nil else { return }
        let kind: RelayKind = batch.command == "NOTICE" ? .notice : .privmsg
        let key = IRCCaseMapping.fold(batch.target)
        var groups = DeliveryGroups()
        let target: HistoryTarget
        var holdForRecipient = false
        /// The 301 a PRIVMSG to this nick gets: away, or offline and kept.
        var awayReply: String?
        if batch.target.hasPrefix("#") {
            guard let channel = channels[key] else {
                replies.numeric(.ERR_NOSUCHNICK, batch.target, "No such nick/channel")
                return
            }
            guard maySend(sender.user, to: channel) else {
                replies.numeric(.ERR_CANNOTSENDTOCHAN, channel.name, "Cannot send to channel")
                return
            }
            groups = deliveryGroups(ofChannel: key)
            target = .channel(key: key, display: channel.name)
        } else if let recipient = nicks[key], let (nick, away) = users.read(recipient, { ($0.nick, $0.awayMessage) }) {
            groups = deliveryGroups(ofUsers: recipient == sender.user ? [recipient] : [recipient, sender.user])
            target = .user(key: key, display: nick)
            awayReply = away
        } else if knownNicks.contains(key), IRCName.isValidNickname(batch.target) {
            groups = deliveryGroups(ofUsers: [sender.user])
            target = .user(key: key, display: batch.target)
            holdForRecipient = true
            awayReply = "\(batch.target) is offline; your message will be delivered when they log in"
        } else {
            replies.numeric(.ERR_NOSUCHNICK, batch.target, "No such nick/channel")
            return
        }
        // The filter reads the batch as the one text it is, and decides for all of it.
        let channel = batch.target.hasPrefix("#") ? channels[key] : nil
        let text = batch.lines.reduce(into: "") { text, line in text += (text.isEmpty || line.concatenates ? "" : "\n") + line.text }
        let check = filterCheck(text, scopes: kind == .notice ? [.notice] : [.channel, .private], session: command.session)
        let scope: FilterScope = kind == .notice ? .notice : channel == nil ? .private : .channel
        guard case .deliver(let decision) = applyFilter(
            check, scope: scope, target: batch.target, channel: channel, now: command.now, into: &replies
        ) else { return }
        groups = groups.removing([command.session])
        users.update(sender.user) { $0.lastMessageAt = command.now }
        // A blank line has a place in the batch but is no message on its own: no msgid,
        // not stored, not sent to clients without the capability.
        let lineIDs = batch.lines.map { $0.text.isEmpty ? nil : configuration.messageIDs.next() }
        let ids = lineIDs.compactMap { $0 }
        auditDelivered(decision, msgid: ids.first?.description, now: command.now, into: &replies)
        var delivery = MultilineDelivery(batch: batch, kind: kind, source: sender.source, target: target.display, ids: lineIDs)
        delivery.isBot = isBot(sender.user)
        let (with, without) = partition(groups, by: .multiline)
        deliver(delivery, to: with, asBatch: true, now: command.now, into: &replies)
        deliver(delivery, to: without, asBatch: false, now: command.now, into: &replies)
        for (line, id) in zip(batch.lines, lineIDs) {
            guard let id else { continue }
            let relayed = RelayedMessage(kind: kind, client: sender, text: line.text, clientTags: [:], check: nil)
            record(relayed, id: id, target: target, holdForRecipient: holdForRecipient, now: command.now, into: &replies)
        }
        if sender.capabilities.contains(.echoMessage) {
            var echo = HubResponseBuffer(server: server, session: command.session, target: replies.target)
            let own = DeliveryGroups(command.session, Rendering(sender.capabilities))
            deliver(delivery, to: own, asBatch: sender.capabilities.contains(.multiline), now: command.now, into: &echo)
            let lines = echo.outputs.compactMap { output -> IRCMessage? in
                if case .send(let message, _) = output { return message }
                return nil
            }
            replies.append(.sendAllWhenStored(lines, to: [command.session], ids: ids))
        }
        if kind == .privmsg, let awayReply {
            replies.numeric(.RPL_AWAY, target.display, awayReply)
        }
    }

    /// A batch's lines ready to send, and the msgids they were given (none for a blank line).
    private struct MultilineDelivery {
        let batch: MultilineBatch
        let kind: RelayKind
        let source: IRCSource
        let target: String
        let ids: [MessageID?]
        var isBot = false

        /// The server tags for message-tags recipients of the line (or batch) with `id`.
        func tags(_ id: MessageID) -> IRCTags {
            var tags: IRCTags = ["msgid": id.description]
            if isBot { tags.set("bot", to: nil) }
            return tags
        }
    }

    /// Sends `delivery` to `groups`: as one `draft/multiline` batch (its msgid on
    /// `BATCH +`), or as one message per line, each with its own msgid.
    private mutating func deliver(
        _ delivery: MultilineDelivery, to groups: DeliveryGroups, asBatch: Bool, now: Date, into replies: inout HubResponseBuffer
    ) {
        guard !groups.all.isEmpty, let first = delivery.ids.lazy.compactMap({ $0 }).first else { return }
        guard asBatch else {
            for (line, id) in zip(delivery.batch.lines, delivery.ids) {
                guard let id else { continue }
                let message = IRCMessage(source: delivery.source, command: delivery.kind.command, params: [delivery.target, line.text])
                deliver(message, clientTags: delivery.tags(id), to: groups, now: now, into: &replies)
            }
            return
        }
        batchCounter += 1
        let reference = "m\(batchCounter)"
        let opening = IRCMessage(
            source: delivery.source, command: "BATCH", params: ["+" + reference, MultilineBatch.batchType, delivery.target]
        )
        deliver(opening, clientTags: delivery.tags(first), to: groups, now: now, into: &replies)
        var lines: [IRCMessage] = []
        for line in delivery.batch.lines {
            var message = IRCMessage(source: delivery.source, command: delivery.kind.command, params: [delivery.target, line.text])
            message.tags.set("batch", to: reference)
            if line.concatenates { message.tags.set(MultilineBatch.concatTag, to: nil) }
            lines.append(message)
        }
        // The lines are the same for every recipient: the batch's tags are on BATCH +.
        let everyone = groups.all
        for line in lines { replies.send(line, to: everyone) }
        replies.send(IRCMessage(source: delivery.source, command: "BATCH", params: ["-" + reference]), to: everyone)
    }
}
