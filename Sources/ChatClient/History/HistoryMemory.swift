import Foundation
import IRC

/// What a client has seen of each conversation, kept across the reconnects of one process.
///
/// Per conversation (a room, or the other nick of a private one, case-folded): the newest
/// message seen, where catching up starts, and the msgids of the last
/// ``recentPerConversation`` messages, so that a line that arrives twice (live and again
/// in history) is shown once. A conversation followed but silent remembers since when,
/// so that catching up can start there.
public struct HistoryMemory: Sendable {
    /// How many msgids each conversation remembers for de-duplication.
    public static let recentPerConversation = 512

    struct Conversation: Sendable {
        /// Followed since (the first join), or the time of the newest message.
        var since: Date
        var newestMessageID: String?
        var recent: [String] = []
        var recentSet: Set<String> = []
    }

    private var conversations: [String: Conversation] = [:]
    /// The newest server time anything was seen at: a message, or a join.
    public private(set) var newestTime: Date?

    public init() {}

    /// Whether nothing was seen yet.
    public var isEmpty: Bool { self.conversations.isEmpty }

    /// Records a message; false when `msgid` was already recorded for `conversation`, so
    /// the message must not be shown again. The newest message is the one with the latest
    /// `time` (msgids are opaque), the later arrival among equals.
    mutating func record(msgid: String, in conversation: String, time: Date) -> Bool {
        let key = IRCCaseMapping.fold(conversation)
        var entry = self.conversations[key] ?? Conversation(since: time)
        guard !entry.recentSet.contains(msgid) else { return false }
        entry.recent.append(msgid)
        entry.recentSet.insert(msgid)
        if entry.recent.count > Self.recentPerConversation {
            entry.recentSet.remove(entry.recent.removeFirst())
        }
        if entry.newestMessageID == nil || time >= entry.since {
            entry.newestMessageID = msgid
            entry.since = time
        }
        self.conversations[key] = entry
        self.newestTime = max(self.newestTime ?? time, time)
        return true
    }

    /// Starts following `conversation` at `time` (a join), unless it was followed before.
    /// - Returns: whether it was followed before, so that what was missed can be fetched.
    @discardableResult
    mutating func follow(_ conversation: String, at time: Date) -> Bool {
        let key = IRCCaseMapping.fold(conversation)
        guard self.conversations[key] == nil else { return true }
        self.conversations[key] = Conversation(since: time)
        self.newestTime = max(self.newestTime ?? time, time)
        return false
    }

    /// Where catching up on `conversation` starts: after its newest message, or after the
    /// time it was first followed; nil when it was never followed.
    func catchUpReference(for conversation: String) -> ChatHistoryReference? {
        guard let entry = self.conversations[IRCCaseMapping.fold(conversation)] else { return nil }
        if let msgid = entry.newestMessageID { return .messageID(msgid) }
        return .timestamp(entry.since)
    }
}

/// A position in a conversation's history, as CHATHISTORY names it.
enum ChatHistoryReference: Sendable, Hashable {
    /// `msgid=…`
    case messageID(String)
    /// `timestamp=YYYY-MM-DDThh:mm:ss.sssZ`
    case timestamp(Date)

    /// The CHATHISTORY parameter.
    var parameter: String {
        switch self {
        case .messageID(let msgid):
            return "msgid=" + msgid
        case .timestamp(let date):
            let milliseconds = Int64((date.timeIntervalSince1970 * 1000).rounded(.down))
            return "timestamp=" + IRCServerTime(millisecondsSinceEpoch: milliseconds).tagValue
        }
    }
}
