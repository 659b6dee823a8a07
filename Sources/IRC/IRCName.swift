/// A nickname or channel name as a case-insensitive key.
///
/// Keeps the spelling the user chose (for display) and the folded ``key`` (for
/// lookups); two names are equal, and hash alike, when their keys are equal under
/// ``IRCCaseMapping``. Construction does not validate: use ``isValidNickname(_:)`` or
/// ``isValidChannelName(_:)`` first and answer 432 / 476 when they fail.
public struct IRCName: Hashable, Sendable, CustomStringConvertible, ExpressibleByStringLiteral {
    /// The name as the user spelled it.
    public let spelling: String
    /// The folded form that identifies the name.
    public let key: String

    /// A name from its spelling; the key is folded once, here.
    public init(_ spelling: String) {
        self.spelling = spelling
        self.key = IRCCaseMapping.fold(spelling)
    }

    public init(stringLiteral value: String) {
        self.init(value)
    }

    public static func == (lhs: IRCName, rhs: IRCName) -> Bool {
        lhs.key == rhs.key
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(key)
    }

    public var description: String { spelling }

    /// Whether this is a channel name rather than a nickname (it starts with `#`).
    public var isChannel: Bool {
        spelling.utf8.first == UInt8(ascii: "#")
    }
}

extension IRCName {
    /// Whether `nick` is acceptable for NICK: 1 to ``IRCLimits/nickLength`` bytes,
    /// the first an ASCII letter or a special (`[ ] \ _ ^ { | }` or the
    /// backquote), the rest letters, digits, specials or `-`.
    ///
    /// Stricter than modern.ircdocs.horse's minimum (which only bans space, `,`, `*`,
    /// `?`, `!`, `@`, a leading `$`, `:` or channel prefix) so that nicks never collide
    /// with channel names, masks or the `nick!user@host` syntax on any client.
    public static func isValidNickname(_ nick: String) -> Bool {
        let utf8 = nick.utf8
        guard let first = utf8.first, utf8.count <= IRCLimits.nickLength else { return false }
        guard first.isASCIILetter || first.isNickSpecial else { return false }
        return utf8.dropFirst().allSatisfy {
            $0.isASCIILetterOrDigit || $0.isNickSpecial || $0 == UInt8(ascii: "-")
        }
    }

    /// Whether `channel` is acceptable for JOIN: `#` then at least one byte, at most
    /// ``IRCLimits/channelLength`` bytes in all, with no space, comma, BEL (0x07), NUL,
    /// CR or LF. Other bytes, UTF-8 included, are allowed, as the spec allows them.
    public static func isValidChannelName(_ channel: String) -> Bool {
        let utf8 = channel.utf8
        guard utf8.first == UInt8(ascii: "#"), utf8.count >= 2, utf8.count <= IRCLimits.channelLength else {
            return false
        }
        return !utf8.contains {
            $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: ",") || $0 == 0x07 || $0.isLineBreakOrNUL
        }
    }
}

extension UInt8 {
    /// One of `[ ] \ _ ^ { | }` or the backquote, allowed anywhere in a nickname.
    var isNickSpecial: Bool {
        switch self {
        case UInt8(ascii: "["), UInt8(ascii: "]"), UInt8(ascii: "\\"), UInt8(ascii: "`"),
            UInt8(ascii: "_"), UInt8(ascii: "^"), UInt8(ascii: "{"), UInt8(ascii: "|"), UInt8(ascii: "}"):
            true
        default:
            false
        }
    }
}
