import Foundation
import IRC

/// Fetching what the client missed (IRCv3 `draft/chathistory` inside `batch`es) and
/// showing every message once.
///
/// - After its own JOIN of a room it followed before (in this process: a reconnect's
///   re-JOIN, or a JOIN after a PART), it asks `CHATHISTORY AFTER <room> msgid=<newest seen>`
///   (or `timestamp=<joined>` for a room that stayed silent), page after full page up to
///   ``HistoryFetch/maximumPages``. A first JOIN fetches what the ``HistoryPolicy`` says.
/// - After a reconnect's registration, `CHATHISTORY TARGETS` since the newest thing seen
///   names the private conversations that went on meanwhile, and each is caught up the same
///   way.
/// - Messages inside a `chathistory` batch become events with `isHistory`; a msgid already
///   seen in its conversation (live, or in an earlier page) is not shown again.
extension IRCSessionState {
    /// Whether the server agreed to answer CHATHISTORY in batches.
    var canFetchHistory: Bool {
        self.capabilities.contains("batch") && self.capabilities.contains("draft/chathistory")
    }

    /// The open `chathistory` batch `message` belongs to, if any.
    func historyBatch(of message: IRCMessage) -> String? {
        guard let reference = message.tags.value(for: "batch"), self.openBatches[reference]?.type == "chathistory" else {
            return nil
        }
        return reference
    }

    /// `BATCH +reference type [parameters…]` or `BATCH -reference`.
    mutating func batch(_ message: IRCMessage) -> [Action] {
        let params = message.params
        guard let first = params.first, first.count > 1 else { return [] }
        let reference = String(first.dropFirst())
        if first.hasPrefix("+"), params.count >= 2 {
            self.openBatches[reference] = OpenBatch(type: params[1], target: params.count > 2 ? params[2] : nil, opening: message)
            return []
        }
        guard first.hasPrefix("-"), let batch = self.openBatches.removeValue(forKey: reference) else { return [] }
        switch batch.type {
        case "chathistory": return self.caughtUpWhenDone(self.historyBatchEnded(batch))
        case "draft/chathistory-targets": return self.caughtUpWhenDone(self.targetsBatchEnded(batch))
        case "draft/multiline": return self.multilineEnded(batch)
        default: return []
        }
    }

    /// Counts a line tagged with an open batch: how full a page was, and where the next starts.
    mutating func countInBatch(_ message: IRCMessage) {
        guard message.command != "BATCH", let reference = message.tags.value(for: "batch"),
            self.openBatches[reference] != nil
        else { return }
        self.openBatches[reference]?.count += 1
        if let msgid = message.tags.value(for: "msgid") { self.openBatches[reference]?.lastMessageID = msgid }
        if message.command == "CHATHISTORY", message.params.count >= 2, message.params[0] == "TARGETS" {
            self.openBatches[reference]?.targets.append(message.params[1])
        }
    }

    /// Our own JOIN of `room`: what to fetch of it, if anything.
    mutating func joinedRoom(_ room: String, at time: Date) -> [Action] {
        let key = IRCCaseMapping.fold(room)
        let followedBefore = self.history.follow(room, at: time)
        guard self.canFetchHistory, !self.fetchedRooms.contains(key) else { return [] }
        self.fetchedRooms.insert(key)
        if followedBefore, let reference = self.history.catchUpReference(for: room) {
            return self.fetch(HistoryFetch(target: room, kind: .after(reference)))
        }
        if let rooms = self.historyPolicy.rooms, !rooms.contains(where: { IRCCaseMapping.fold($0) == key }) {
            return []
        }
        switch self.historyPolicy.start {
        case .none:
            return []
        case .latest(let count):
            return count > 0 ? self.fetch(HistoryFetch(target: room, kind: .latest(count))) : []
        case .since(let date):
            return self.fetch(HistoryFetch(target: room, kind: .after(.timestamp(date))))
        }
    }

    /// We left `room` (PART, KICK): joining it again catches up from where we were.
    mutating func leftRoom(_ room: String) {
        self.fetchedRooms.remove(IRCCaseMapping.fold(room))
    }

    /// Registration finished: after a reconnect (or when the policy asks), the private
    /// conversations with something new.
    mutating func registeredForHistory(now: Date) -> [Action] {
        guard self.canFetchHistory, let since = self.history.newestTime ?? self.historyPolicy.privateSince else { return [] }
        if self.history.newestTime != nil { self.catchUpCount = 0 }
        // The upper bound is the server's "now" seen through our clock; an hour absorbs skew.
        return self.fetch(HistoryFetch(target: "*", kind: .targets(since: since, until: now.addingTimeInterval(3600))))
    }

    /// `FAIL CHATHISTORY <code> [<context>…] :<description>`: the request in flight got
    /// no batch; shown, and the next one goes out.
    mutating func historyFailed(_ params: [String]) -> [Action] {
        let context = params.dropFirst(2).dropLast().joined(separator: " ")
        let text = "history" + (context.isEmpty ? "" : " of \(context)") + ": " + (params.last ?? "")
        return self.caughtUpWhenDone(
            [.event(.serverError(code: params.count > 1 ? params[1] : "FAIL", text: text))] + self.next(self.fetches.finish()))
    }

    /// `actions`, and `.caughtUp` once a reconnect's last fetch was answered. The server
    /// answers in order: the rejoins (which queue their rooms' fetches) come before the
    /// TARGETS batch, so an empty queue means everything was fetched.
    private mutating func caughtUpWhenDone(_ actions: [Action]) -> [Action] {
        guard self.fetches.current == nil, let count = self.catchUpCount else { return actions }
        self.catchUpCount = nil
        return actions + [.event(.caughtUp(missed: count))]
    }

    /// ISUPPORT `CHATHISTORY=<limit>`: the most messages one request returns.
    mutating func readISupport(_ params: [String]) {
        for token in params.dropFirst().dropLast() where token.hasPrefix("CHATHISTORY=") {
            if let limit = Int(token.dropFirst("CHATHISTORY=".count)), limit > 0 { self.historyPageSize = limit }
        }
    }

    // MARK: answers

    private mutating func historyBatchEnded(_ batch: OpenBatch) -> [Action] {
        guard var fetch = self.fetches.current, let target = batch.target,
            IRCCaseMapping.fold(target) == IRCCaseMapping.fold(fetch.target)
        else { return [] }
        guard case .after = fetch.kind, batch.count >= self.historyPageSize, let last = batch.lastMessageID else {
            return self.next(self.fetches.finish())
        }
        guard fetch.page < HistoryFetch.maximumPages else {
            let note = ChatEvent.historyIncomplete(target: fetch.target, fetched: fetch.page * self.historyPageSize)
            return [.event(note)] + self.next(self.fetches.finish())
        }
        fetch.kind = .after(.messageID(last))
        fetch.page += 1
        return self.next(self.fetches.finish(continuingWith: fetch))
    }

    private mutating func targetsBatchEnded(_ batch: OpenBatch) -> [Action] {
        guard let fetch = self.fetches.current, case .targets(let since, _) = fetch.kind else { return [] }
        var actions: [Action] = []
        let own = IRCCaseMapping.fold(self.nick)
        for target in batch.targets where !target.hasPrefix("#") && IRCCaseMapping.fold(target) != own {
            let reference = self.history.catchUpReference(for: target) ?? .timestamp(since)
            actions += self.fetch(HistoryFetch(target: target, kind: .after(reference)))
        }
        return actions + self.next(self.fetches.finish())
    }

    private mutating func fetch(_ fetch: HistoryFetch) -> [Action] {
        self.next(self.fetches.enqueue(fetch))
    }

    private func next(_ fetch: HistoryFetch?) -> [Action] {
        fetch.map { [.send($0.message(pageSize: self.historyPageSize))] } ?? []
    }
}
