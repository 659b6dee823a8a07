import ServerTime

/// A position named in a CHATHISTORY command: `msgid=…` or `timestamp=…`.
public enum HistoryReference: Hashable, Sendable {
    /// A stored message. It must belong to the conversation asked about, or the query
    /// fails with ``HistoryStoreError/Code-swift.enum/unknownMessageID``.
    case messageID(MessageID)
    /// An instant, in milliseconds since the Unix epoch.
    case timestamp(Int64)

    /// The reference a CHATHISTORY parameter names, or `nil` when it is neither a
    /// `msgid=` this store issues nor a `timestamp=YYYY-MM-DDThh:mm:ss.sssZ`. Safe on
    /// any input from a client; `*` is not a reference (see ``HistoryQuery/latest(after:)``).
    public init?(parameter: some StringProtocol) {
        if parameter.hasPrefix("msgid=") {
            guard let id = MessageID(parameter.dropFirst(6)) else { return nil }
            self = .messageID(id)
        } else if parameter.hasPrefix("timestamp=") {
            guard let time = ServerTimeFormat.parse(parameter.dropFirst(10)) else { return nil }
            self = .timestamp(time)
        } else {
            return nil
        }
    }
}

/// One CHATHISTORY subcommand's selection, as in IRCv3 draft/chathistory. Every result
/// comes back in chronological order (oldest first), whatever the direction of paging.
///
/// Messages are ordered by (server time, ID): a total order that stays the same for
/// the life of the store, so paging by msgid neither skips nor repeats.
public enum HistoryQuery: Hashable, Sendable {
    /// `LATEST`: the newest messages; with a reference, only those after it (`nil` is `*`).
    case latest(after: HistoryReference?)
    /// `BEFORE`: the newest messages before the reference, excluding it.
    case before(HistoryReference)
    /// `AFTER`: the oldest messages after the reference, excluding it.
    case after(HistoryReference)
    /// `AROUND`: half the limit (rounded down) before the reference, the rest from it on,
    /// a `msgid=` reference's own message included; a side that runs short leaves its
    /// room to the other.
    case around(HistoryReference)
    /// `BETWEEN`: messages strictly between the two, counted from the first: oldest
    /// first when the first is earlier, newest first when it is later (the page is
    /// still returned oldest first).
    case between(HistoryReference, HistoryReference)
}

/// The limit rules every query shares.
public enum HistoryLimit {
    /// The most messages (or targets) one request returns: what the hub advertises as
    /// `CHATHISTORY=100` in RPL_ISUPPORT.
    public static let maximum = 100

    /// `requested` brought into `0...maximum`; zero or less means an empty page.
    static func clamp(_ requested: Int) -> Int {
        min(max(requested, 0), maximum)
    }
}
