import HistoryStore
import IRC

extension HubState {
    /// The IRCv3 `label` of a command from a session that negotiated labeled-response;
    /// nil otherwise, or when the tag is empty.
    func label(of message: IRCMessage, from session: SessionID) -> String? {
        guard let label = message.tags.value(for: "label"), !label.isEmpty,
            sessions.read(session, { $0.capabilities.contains(.labeledResponse) }) == true
        else { return nil }
        return label
    }

    /// `outputs` with the response to a labeled command marked as IRCv3
    /// labeled-response asks: what goes to `session` is its response, and carries the label.
    ///
    /// - No line: one `ACK` with the label.
    /// - One line: that line gets the label.
    /// - More: a `labeled-response` batch (the label on its `BATCH +`) holds them, when
    ///   the session negotiated `batch`; without it only the first line is labeled.
    ///
    /// Deliveries to others are untouched; a line that goes to the session and to others
    /// is split. The response goes out where the first close of the session stands, or
    /// at the end. When part of it waits for the history log (an echo), all of it waits,
    /// for every record involved. A history read (CHATHISTORY) takes the label along and
    /// its answer is labeled when it comes, unless lines went out at once (a JOIN and
    /// its replay); so is a MARKREAD's, which waits for the log.
    mutating func labeled(_ outputs: [HubOutput], label: String, session: SessionID) -> [HubOutput] {
        var result: [HubOutput] = []
        var lines: [IRCMessage] = []
        var ids: [MessageID] = []
        var closeAt: Int?
        var deferredAt: Int?
        for output in outputs {
            switch output {
            case .send(let message, let recipients) where recipients.contains(session):
                let others = recipients.filter { $0 != session }
                if !others.isEmpty { result.append(.send(message, to: others)) }
                lines.append(message)
            case .sendWhenStored(let message, let recipients, let id) where recipients.contains(session):
                let others = recipients.filter { $0 != session }
                if !others.isEmpty { result.append(.sendWhenStored(message, to: others, id: id)) }
                lines.append(message)
                ids.append(id)
            case .sendAllWhenStored(let messages, let recipients, let held) where recipients.contains(session):
                let others = recipients.filter { $0 != session }
                if !others.isEmpty { result.append(.sendAllWhenStored(messages, to: others, ids: held)) }
                lines += messages
                ids += held
            case .close(let closed, _, _) where closed == session && closeAt == nil:
                closeAt = result.count
                result.append(output)
            default:
                if deferredAt == nil, output.deferredAnswer(to: session, labeled: label) != nil { deferredAt = result.count }
                result.append(output)
            }
        }
        if let deferredAt, lines.isEmpty, let answer = result[deferredAt].deferredAnswer(to: session, labeled: label) {
            // The answer is the response (CHATHISTORY, MARKREAD); a JOIN's replay is not.
            result[deferredAt] = answer
            return result
        }
        let capabilities = sessions.read(session) { $0.capabilities } ?? []
        let response = labeledLines(lines, label: label, batch: capabilities.contains(.batch))
        let sends: [HubOutput] =
            ids.isEmpty
            ? response.map { .send($0, to: [session]) }
            : [.sendAllWhenStored(response, to: [session], ids: ids)]
        result.insert(contentsOf: sends, at: closeAt ?? result.count)
        return result
    }

    /// `lines` labeled as one response (see ``labeled(_:label:session:)``).
    mutating func labeledLines(_ lines: [IRCMessage], label: String, batch: Bool) -> [IRCMessage] {
        guard !lines.isEmpty else {
            return [IRCMessage(tags: ["label": label], source: server, command: "ACK")]
        }
        if lines.count > 1, Self.isOneBatch(lines) {
            // Already one batch (a chathistory answer): its BATCH + carries the label.
            var labeled = lines
            labeled[0].tags.set("label", to: label)
            return labeled
        }
        guard lines.count > 1, batch else {
            var labeled = lines
            labeled[0].tags.set("label", to: label)
            return labeled
        }
        batchCounter += 1
        let reference = "l\(batchCounter)"
        var response = [IRCMessage(tags: ["label": label], source: server, command: "BATCH", params: ["+" + reference, "labeled-response"])]
        for var line in lines {
            // A line of a batch inside this one keeps its own; that batch's BATCH lines join this one.
            if !line.tags.contains("batch") { line.tags.set("batch", to: reference) }
            response.append(line)
        }
        response.append(IRCMessage(source: server, command: "BATCH", params: ["-" + reference]))
        return response
    }

    /// Whether `lines` are one batch from its `BATCH +` to its `BATCH -`, and nothing else.
    static func isOneBatch(_ lines: [IRCMessage]) -> Bool {
        guard let first = lines.first, let last = lines.last, first.command == "BATCH", last.command == "BATCH",
            let opening = first.params.first, opening.hasPrefix("+"), last.params.first == "-" + opening.dropFirst()
        else { return false }
        return lines.dropFirst().dropLast().allSatisfy { $0.tags.contains("batch") }
    }
}

extension HubOutput {
    /// Work whose answer comes back later (a history read, a read marker to store), asked
    /// by `session`: the same output carrying `label`, so that its answer is labeled; nil
    /// for any other output.
    func deferredAnswer(to session: SessionID, labeled label: String) -> HubOutput? {
        switch self {
        case .queryHistory(var request) where request.session == session:
            request.label = label
            return .queryHistory(request)
        case .storeReadMarker(var request) where request.session == session:
            request.label = label
            return .storeReadMarker(request)
        default:
            return nil
        }
    }
}
