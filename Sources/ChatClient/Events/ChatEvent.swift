import Foundation

/// A message as the client shows it. Only this module makes one, with the memberwise
/// initializer (the flags and `msgid` default to false and nil).
public struct ChatMessage: Hashable, Sendable {
    /// The server's time (server-time), else the time it arrived.
    public var time: Date
    /// The room, or nil for a private message.
    public var room: String?
    /// Who sent it.
    public var from: String
    /// Where it was sent: the room, or the recipient's nick for a private message.
    public var to: String
    public var text: String
    public var isPrivate: Bool { self.room == nil }
    /// Our own message: as the server echoed it back (echo-message), proof it was
    /// accepted; or, with ``isHistory``, as the server's history holds it.
    public var isOwnEcho: Bool
    /// A `/me` action.
    public var isAction: Bool = false
    /// The server's ID for the message (IRCv3 `msgid`), the same on every copy; nil
    /// from a server without `message-tags`.
    public var msgid: String?
    /// Sent before it was shown: fetched from the server's history (a `chathistory`
    /// batch), not relayed live. For our own messages this is no acknowledgement.
    public var isHistory: Bool = false

    /// The conversation the message belongs to, as CHATHISTORY names it: the room, or
    /// the other nick of a private conversation.
    public var conversation: String {
        if let room = self.room { return room }
        return self.isOwnEcho ? self.to : self.from
    }
}

/// Something that happened on the connection, as typed values for displays and scripts.
public enum ChatEvent: Hashable, Sendable {
    case message(ChatMessage)
    /// A notice (from a server or a user).
    case notice(from: String, text: String)
    case joined(room: String, nick: String, isSelf: Bool)
    case parted(room: String, nick: String, reason: String?, isSelf: Bool)
    case kicked(room: String, nick: String, by: String, reason: String?, isSelf: Bool)
    case quit(nick: String, reason: String?)
    case nickChanged(from: String, to: String, isSelf: Bool)
    /// The topic of `room`; nil when it has none.
    case topic(room: String, text: String?, setBy: String?)
    case names(room: String, nicks: [String])
    /// A WHO reply line or other information worth showing.
    case info(String)
    /// An error numeric: `code` (e.g. `401`) and the server's text, with its subject.
    case serverError(code: String, text: String)
    /// Registration finished as `nick`.
    case registered(nick: String)
    /// The connection will be retried after `delay` (attempt counts from 1).
    case reconnecting(delay: Duration, attempt: Int, cause: String)
    /// A new connection is up again, and these rooms were joined again.
    case reconnected(rooms: [String])
    /// `target`'s history went on beyond the `fetched` messages shown: the newer ones
    /// were not fetched (a long absence from a busy room).
    case historyIncomplete(target: String, fetched: Int)
    /// After a reconnect, the history the client fetched to catch up has all arrived:
    /// `missed` messages were shown from it.
    case caughtUp(missed: Int)
    /// The connection ended; nil for a close we asked for.
    case disconnected(ChatClientError?)
}
