/// What a filter rule does to a message that matches it.
///
/// Ordered by severity: when several rules match one message, the most severe wins
/// (and among equals, the one written first).
public enum FilterAction: String, Sendable, CaseIterable, Comparable, Encodable {
    /// Only recorded in the audit log; the message goes out as usual. The default.
    case log
    /// Delivered, and online operators are told.
    case warn
    /// Not delivered: the sender gets 404 (channel) or a NOTICE with the rule's reason and id.
    case block
    /// Not delivered, and the sender is kicked from the channel (blocked elsewhere).
    case kick
    /// Not delivered, and the sending connection is closed.
    case disconnect

    var severity: Int {
        switch self {
        case .log: 0
        case .warn: 1
        case .block: 2
        case .kick: 3
        case .disconnect: 4
        }
    }

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.severity < rhs.severity }
}

/// Which texts a rule looks at.
public enum FilterScope: String, Sendable, CaseIterable, Hashable, Encodable {
    /// A PRIVMSG to a channel: the default, and the only scope a rule has without `scope`.
    case channel
    /// A PRIVMSG to a nick.
    case `private`
    /// A NOTICE, to a channel or a nick.
    case notice
    /// A channel topic being set.
    case topic
    /// A PART's reason.
    case part
    /// A QUIT's reason.
    case quit
}

/// One rule of the filter file, as written (patterns already checked).
public struct FilterRule: Sendable, Equatable {
    /// The rule's name in replies, notices and the audit log.
    public var id: String
    /// Words, phrases, `prefix*`, `*suffix` and `*inside*` patterns.
    public var patterns: [String]
    /// Normalised tokens that never trigger this rule (`cockpit` for `*cock*`).
    public var allow: Set<String>
    public var action: FilterAction
    public var scopes: Set<FilterScope>
    /// Told to the sender (block, kick, disconnect) and to operators (warn).
    public var reason: String
    /// Channel names (ASCII-lowercased) where the rule does not apply.
    public var exemptChannels: Set<String>
    /// Nicks (ASCII-lowercased) the rule never applies to.
    public var exemptNicks: Set<String>

    public init(
        id: String,
        patterns: [String],
        allow: Set<String> = [],
        action: FilterAction = .log,
        scopes: Set<FilterScope> = [.channel],
        reason: String = "language this server does not allow",
        exemptChannels: Set<String> = [],
        exemptNicks: Set<String> = []
    ) {
        self.id = id
        self.patterns = patterns
        self.allow = Set(allow.flatMap { TextNormalizer.normalize($0).tokenStrings })
        self.action = action
        self.scopes = scopes
        self.reason = reason
        self.exemptChannels = Set(exemptChannels.map(FilterRule.fold))
        self.exemptNicks = Set(exemptNicks.map(FilterRule.fold))
    }

    /// ASCII lowercase, as the server's `CASEMAPPING=ascii` folds nicks and channels.
    public static func fold(_ name: String) -> String {
        String(decoding: name.utf8.map { (0x41...0x5A).contains($0) ? $0 + 0x20 : $0 }, as: UTF8.self)
    }
}

/// A rule that matched a message, and the normalised token (or phrase) that did.
public struct FilterMatch: Sendable, Equatable {
    public let rule: FilterRule
    public let token: String
}
