import Foundation
import IRC

/// One CHATHISTORY request the client makes, and the pages that follow it.
struct HistoryFetch: Hashable {
    enum Kind: Hashable {
        /// `LATEST <target> * <n>`: one page, never continued.
        case latest(Int)
        /// `AFTER <target> <reference> <page size>`: continued from the last message of a
        /// full page.
        case after(ChatHistoryReference)
        /// `TARGETS <since> <until> <page size>`: the private conversations to catch up on.
        case targets(since: Date, until: Date)
    }

    /// The most pages one fetch asks for: a long absence in a busy room is caught up to
    /// this many pages, not without end (and the server's flood control is never tested).
    static let maximumPages = 10

    /// The room or nick, as the request names it (`*` for TARGETS).
    var target: String
    var kind: Kind
    var page = 1

    /// The request for this page.
    func message(pageSize: Int) -> IRCMessage {
        switch self.kind {
        case .latest(let count):
            return IRCMessage(command: "CHATHISTORY", params: ["LATEST", self.target, "*", String(count)])
        case .after(let reference):
            return IRCMessage(command: "CHATHISTORY", params: ["AFTER", self.target, reference.parameter, String(pageSize)])
        case .targets(let since, let until):
            return IRCMessage(
                command: "CHATHISTORY",
                params: [
                    "TARGETS", ChatHistoryReference.timestamp(since).parameter, ChatHistoryReference.timestamp(until).parameter,
                    String(pageSize),
                ])
        }
    }
}

/// CHATHISTORY requests one at a time: the next goes out when the answer to the last has
/// ended (its batch, or a `FAIL CHATHISTORY`). Joining many rooms, or catching up many
/// pages, then paces itself by the server's answers instead of bursting into its flood
/// control.
struct HistoryFetchQueue {
    private(set) var current: HistoryFetch?
    private var waiting: [HistoryFetch] = []

    /// Queues `fetch`; returns it when it is to be sent now.
    mutating func enqueue(_ fetch: HistoryFetch) -> HistoryFetch? {
        guard self.current == nil else {
            self.waiting.append(fetch)
            return nil
        }
        self.current = fetch
        return fetch
    }

    /// The current request was answered; `next` (its next page) goes before the others.
    /// - Returns: the request to send now, if any.
    mutating func finish(continuingWith next: HistoryFetch? = nil) -> HistoryFetch? {
        if let next {
            self.current = next
            return next
        }
        self.current = self.waiting.isEmpty ? nil : self.waiting.removeFirst()
        return self.current
    }
}

/// A `BATCH +reference type [parameters]` the server opened and has not closed yet.
struct OpenBatch {
    let type: String
    /// The first parameter after the type: the target of a `chathistory` batch.
    let target: String?
    /// Lines tagged with this batch so far.
    var count = 0
    /// The msgid of the last tagged line that had one: where a next page starts.
    var lastMessageID: String?
    /// The targets a `draft/chathistory-targets` batch listed.
    var targets: [String] = []
    /// The `BATCH +reference …` line itself: its source, tags and time.
    var opening: IRCMessage?
    /// The text lines of a `draft/multiline` batch; `concat` joins a line to the one before.
    var parts: [(text: String, concat: Bool, command: String)] = []
}
