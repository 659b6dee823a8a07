import Foundation
import IRC

/// A nick that is online: the sessions holding it, and what belongs to the nick rather
/// than to one connection.
///
/// Channels are joined, operator status held, away shown and idle time counted by the
/// nick; capabilities, the certificate, `user@host` and SASL stay with each session
/// (``HubSession``). The user exists exactly while it has a registered session.
struct HubUser: Sendable {
    let id: UserID
    /// The nick as its first session spelled it; every session of the user carries this spelling.
    var nick: String
    /// The folded nick, the key in ``HubState``'s nick table.
    var key: String
    /// The registered sessions holding the nick, oldest first; never empty.
    var sessions: [SessionID]
    /// Keys of the channels the nick is on, in the order it joined them.
    var channels: [String] = []
    /// What others see as the nick's away text: set only while every session is away
    /// (``HubState/refreshAway(of:)``).
    var awayMessage: String?
    /// User mode `i`: counted apart in LUSERS.
    var isInvisible = false
    /// User mode `B` (IRCv3 bot mode): WHO flag `B`, WHOIS 335, a `bot` tag on its messages.
    var isBot = false
    /// The last PRIVMSG or NOTICE from any session, for the idle time in WHOIS.
    var lastMessageAt: Date
    /// When the session that brought the nick online connected, the signon time in WHOIS.
    let signedOnAt: Date

    init(id: UserID, nick: String, session: SessionID, signedOnAt: Date, now: Date) {
        self.id = id
        self.nick = nick
        self.key = IRCCaseMapping.fold(nick)
        self.sessions = [session]
        self.lastMessageAt = now
        self.signedOnAt = signedOnAt
    }
}
