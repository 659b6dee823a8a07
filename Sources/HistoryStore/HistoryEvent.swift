/// The command a stored event was sent with.
public enum HistoryKind: Int, Hashable, Sendable, CaseIterable {
    case privmsg = 0
    case notice = 1
    /// A TAGMSG: no text, only client tags.
    case tagmsg = 2

    /// The IRC command that replays this event.
    public var command: String {
        switch self {
        case .privmsg: "PRIVMSG"
        case .notice: "NOTICE"
        case .tagmsg: "TAGMSG"
        }
    }
}

/// Where an event was sent: a channel, or a user (a private message).
///
/// Each carries the name folded by the server's case mapping (`key`, what the store
/// compares) and the name as the sender wrote it (`display`, what replays show). The
/// store does not fold names itself: the hub owns the case mapping and passes keys
/// already folded, here and in every query.
public enum HistoryTarget: Hashable, Sendable {
    case channel(key: String, display: String)
    case user(key: String, display: String)

    /// The folded name.
    public var key: String {
        switch self {
        case .channel(let key, _), .user(let key, _): key
        }
    }

    /// The name as it was written.
    public var display: String {
        switch self {
        case .channel(_, let display), .user(_, let display): display
        }
    }

    /// Whether this is a private message to a user.
    public var isUser: Bool {
        if case .user = self { return true }
        return false
    }
}

/// One event as the hub hands it to the store: everything but its ID.
public struct HistoryEvent: Hashable, Sendable {
    /// The server time the hub stamped on it, in milliseconds since the Unix epoch.
    public var time: Int64
    public var kind: HistoryKind
    /// The sender as it appears on the wire: `nick!user@host`.
    public var source: String
    /// The sender's nick, folded.
    public var senderKey: String
    /// The sender's account, when logged in.
    public var account: String?
    public var target: HistoryTarget
    /// The message text; empty for a TAGMSG.
    public var text: String
    /// The client-only tags (`+name=value`) serialized as on the wire, without `@`;
    /// empty when there are none.
    public var clientTags: String

    public init(
        time: Int64,
        kind: HistoryKind,
        source: String,
        senderKey: String,
        account: String? = nil,
        target: HistoryTarget,
        text: String,
        clientTags: String = ""
    ) {
        self.time = time
        self.kind = kind
        self.source = source
        self.senderKey = senderKey
        self.account = account
        self.target = target
        self.text = text
        self.clientTags = clientTags
    }

    /// The sender's nick as written: the source up to its first `!` or `@`.
    public var senderNick: Substring {
        // By bytes: the writer asks for every row, and walking Characters costs far more.
        let end = self.source.utf8.firstIndex { $0 == UInt8(ascii: "!") || $0 == UInt8(ascii: "@") } ?? self.source.utf8.endIndex
        return self.source[..<end]
    }

    /// The conversation this event belongs to: its channel, or the pair of users.
    public var conversation: HistoryConversation {
        switch self.target {
        case .channel(let key, _): .channel(key)
        case .user(let key, _): .direct(self.senderKey, key)
        }
    }
}

/// A stored event: the event and the ID the sequencer gave it.
public struct HistoryRecord: Hashable, Sendable {
    /// The sequence number, whose text is the event's `msgid`.
    public let id: MessageID
    public let event: HistoryEvent

    public init(id: MessageID, event: HistoryEvent) {
        self.id = id
        self.event = event
    }
}
