/// Where a message comes from: a server name or `nick[!user][@host]`.
///
/// Kept as the one string that goes on the wire (after the `:`), so a server builds a
/// client's source once and reuses it for every message it fans out; the parts are
/// read on demand. The caller keeps the text free of spaces, NUL, CR and LF.
public struct IRCSource: Hashable, Sendable, CustomStringConvertible, ExpressibleByStringLiteral {
    /// The source as written on the wire, without the leading `:`.
    public let rawValue: String

    /// A source from its wire text, e.g. `irc.example.com` or `dan!d@localhost`.
    public init(_ rawValue: String) {
        self.rawValue = rawValue
    }

    public init(stringLiteral value: String) {
        self.init(value)
    }

    /// A client source `nick!user@host`; `user` and `host` are left out when `nil`.
    public init(nick: String, user: String? = nil, host: String? = nil) {
        var raw = nick
        if let user { raw += "!" + user }
        if let host { raw += "@" + host }
        self.init(raw)
    }

    /// The nickname: the text before the first `!` or `@`. For a server source this
    /// is the whole server name.
    public var nick: Substring {
        // By bytes: every message relayed asks, and walking Characters costs ten times more.
        let end = rawValue.utf8.firstIndex { $0 == UInt8(ascii: "!") || $0 == UInt8(ascii: "@") } ?? rawValue.utf8.endIndex
        return rawValue[..<end]
    }

    /// The user part between `!` and `@`, if present.
    public var user: Substring? {
        guard let bang = rawValue.firstIndex(of: "!") else { return nil }
        let rest = rawValue[rawValue.index(after: bang)...]
        return rest.prefix { $0 != "@" }
    }

    /// The host part after `@`, if present.
    public var host: Substring? {
        guard let at = rawValue.firstIndex(of: "@") else { return nil }
        return rawValue[rawValue.index(after: at)...]
    }

    public var description: String { rawValue }
}
