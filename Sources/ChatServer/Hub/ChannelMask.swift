import Foundation
import IRC

/// One entry of a channel's ban, exception or invite-exception list: a `nick!user@host`
/// glob, or the account extban `~a:<account>`, with who set it and when (RPL_BANLIST).
///
/// Every user here logs in with a certificate, and its account is the first nick the
/// allowlist binds to that certificate, so `~a:alice` holds for every session of every
/// certificate whose account is alice, whatever nick or host it uses.
struct ChannelMask: Sendable, Equatable {
    /// What a mask is matched against: one session of a nick.
    struct Subject: Sendable {
        /// `nick!user@host`.
        let hostmask: String
        let account: String
    }

    /// The prefix of the account extban (`EXTBAN=~,a`).
    static let accountPrefix = "~a:"

    /// The mask in its complete form (`bob` becomes `bob!*@*`), as listed and removed.
    let text: String
    let setBy: String
    let setAt: Date
    private let mask: IRCMask
    private let isAccount: Bool

    /// The mask `raw` completed to `nick!user@host` (missing parts are `*`), or an
    /// account extban; nil for text that cannot be a mask (empty, an unknown `~x:`
    /// extban, spaces or a comma, a leading `:`, more than one `!` or `@`).
    init?(_ raw: String, setBy: String, setAt: Date) {
        guard let text = Self.normalized(raw) else { return nil }
        self.text = text
        self.setBy = setBy
        self.setAt = setAt
        self.isAccount = text.hasPrefix(Self.accountPrefix)
        self.mask = IRCMask(isAccount ? String(text.dropFirst(Self.accountPrefix.count)) : text)
    }

    func matches(_ subject: Subject) -> Bool {
        mask.matches(isAccount ? subject.account : subject.hostmask)
    }

    static func == (lhs: ChannelMask, rhs: ChannelMask) -> Bool {
        lhs.text == rhs.text
    }

    /// `raw` in the form lists keep; nil when it cannot be a mask.
    static func normalized(_ raw: String) -> String? {
        guard !raw.isEmpty, !raw.hasPrefix(":"), !raw.contains(where: { $0 == " " || $0 == "," }) else { return nil }
        if raw.hasPrefix("~") {
            guard raw.hasPrefix(accountPrefix), raw.count > accountPrefix.count else { return nil }
            return raw
        }
        guard raw.count(where: { $0 == "!" }) <= 1, raw.count(where: { $0 == "@" }) <= 1 else { return nil }
        let nickEnd = raw.firstIndex(of: "!")
        let hostStart = raw.firstIndex(of: "@")
        let nick: Substring
        let user: Substring
        let host: Substring
        switch (nickEnd, hostStart) {
        case (nil, nil):
            (nick, user, host) = (raw[...], "*", "*")
        case (nil, let at?):
            (nick, user, host) = ("*", raw[..<at], raw[raw.index(after: at)...])
        case (let bang?, nil):
            (nick, user, host) = (raw[..<bang], raw[raw.index(after: bang)...], "*")
        case (let bang?, let at?):
            guard bang < at else { return nil }
            (nick, user, host) = (raw[..<bang], raw[raw.index(after: bang)..<at], raw[raw.index(after: at)...])
        }
        func part(_ text: Substring) -> Substring { text.isEmpty ? "*" : text }
        return "\(part(nick))!\(part(user))@\(part(host))"
    }
}
