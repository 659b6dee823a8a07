/// A history buffer: one channel, or the private messages between two users.
///
/// A private conversation is the same whichever side asks, so `.direct("alice", "bob")`
/// and `.direct("bob", "alice")` name one buffer. Asking with the requester's own
/// folded nick as one of the two is what keeps private history visible only to its
/// participants: the hub passes the requesting user's nick, never a name from the
/// client, as the first.
public enum HistoryConversation: Hashable, Sendable {
    /// A channel, by its folded name.
    case channel(String)
    /// Private messages between two users, by their folded nicks (either order).
    case direct(String, String)

    /// The key rows are stored under. Channel names and nicks hold no space, so a
    /// channel's key never equals a pair's `"a b"`, and the pair is sorted so both
    /// sides of a conversation share one key.
    var storageKey: String {
        switch self {
        case .channel(let key):
            return key
        case .direct(let first, let second):
            return first <= second ? "\(first) \(second)" : "\(second) \(first)"
        }
    }

    public static func == (lhs: HistoryConversation, rhs: HistoryConversation) -> Bool {
        switch (lhs, rhs) {
        case (.channel, .channel), (.direct, .direct): lhs.storageKey == rhs.storageKey
        default: false
        }
    }

    public func hash(into hasher: inout Hasher) {
        if case .direct = self { hasher.combine(1) }
        hasher.combine(self.storageKey)
    }
}
