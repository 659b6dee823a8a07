import Foundation
import IRC

/// IRCv3 `draft/multiline`: receiving a batch as one message, and what sending may use.
///
/// The PRIVMSG (or NOTICE) lines of a `draft/multiline` batch are held until the batch
/// closes, then become one message: lines joined with LF, a line tagged
/// `draft/multiline-concat` joined to the one before without. It carries the source, the
/// tags (msgid, time, an enclosing history batch) and the target of the `BATCH +` line, so
/// the server's echo of our own batch acknowledges it as a whole.
extension IRCSessionState {
    /// The server's limits when it agreed to `draft/multiline` (with `batch`); nil otherwise.
    var multilineLimits: MultilineLimits? {
        guard self.capabilities.contains("draft/multiline"), self.capabilities.contains("batch"),
            let value = self.capabilityValue("draft/multiline")
        else { return nil }
        return MultilineLimits(capabilityValue: value)
    }

    /// Our own source as others see it: the one the server showed, or the longest it
    /// could be (our nick as user, a 63-byte host) until then.
    var sourceForBudget: String {
        self.ownSource ?? "\(self.nick)!\(self.nick)@" + String(repeating: "x", count: 63)
    }

    /// Holds a line of an open multiline batch; true when it was one.
    mutating func collectMultiline(_ message: IRCMessage) -> Bool {
        guard message.command == "PRIVMSG" || message.command == "NOTICE", message.params.count >= 2,
            let reference = message.tags.value(for: "batch"), self.openBatches[reference]?.type == "draft/multiline"
        else { return false }
        self.openBatches[reference]?.parts.append(
            (message.params[1], message.tags.contains("draft/multiline-concat"), message.command))
        return true
    }

    /// The batch closed: its lines as one message.
    mutating func multilineEnded(_ batch: OpenBatch) -> [Action] {
        guard let opening = batch.opening, let target = batch.target, let first = batch.parts.first else { return [] }
        var text = ""
        for (index, part) in batch.parts.enumerated() {
            if index > 0, !part.concat { text += "\n" }
            text += part.text
        }
        let message = IRCMessage(tags: opening.tags, source: opening.source, command: first.command, params: [target, text])
        // Inside a history batch the whole multiline message is one of its messages: it
        // counts toward the page, and its msgid is where the next page starts.
        self.countInBatch(message)
        let sourceNick = opening.source.map { String($0.nick) } ?? ""
        let isSelf = IRCCaseMapping.fold(sourceNick) == IRCCaseMapping.fold(self.nick)
        return self.message(message, from: sourceNick, isSelf: isSelf, now: Date())
    }
}
