/// The IRCv3 capabilities a session has enabled with `CAP REQ`.
struct HubCapabilities: OptionSet, Hashable, Sendable {
    let rawValue: UInt32

    init(rawValue: UInt32) {
        self.rawValue = rawValue
    }

    /// Client-only (`+`) tags are relayed, and TAGMSG is delivered.
    static let messageTags = HubCapabilities(rawValue: 1 << 0)
    /// Relayed messages carry a `time` tag.
    static let serverTime = HubCapabilities(rawValue: 1 << 1)
    /// The sender gets its own PRIVMSG, NOTICE and TAGMSG back.
    static let echoMessage = HubCapabilities(rawValue: 1 << 2)
    /// AUTHENTICATE is accepted (mechanism EXTERNAL only).
    static let sasl = HubCapabilities(rawValue: 1 << 3)
    /// All prefixes (`@+`) in NAMES, WHO and WHOIS, not only the highest.
    static let multiPrefix = HubCapabilities(rawValue: 1 << 4)
    /// Replies that belong together (CHATHISTORY results) come inside BATCH lines.
    static let batch = HubCapabilities(rawValue: 1 << 5)
    /// CHATHISTORY is offered (IRCv3 draft/chathistory).
    static let chathistory = HubCapabilities(rawValue: 1 << 6)
    /// A `label` tag on a command comes back on its response (HubState+LabeledResponse.swift).
    static let labeledResponse = HubCapabilities(rawValue: 1 << 7)
    /// Messages from users carry an `account` tag.
    static let accountTag = HubCapabilities(rawValue: 1 << 8)
    /// ACCOUNT tells of a change of a channel peer's account.
    static let accountNotify = HubCapabilities(rawValue: 1 << 9)
    /// AWAY tells of channel peers going away and coming back.
    static let awayNotify = HubCapabilities(rawValue: 1 << 10)
    /// JOIN carries the account and the real name.
    static let extendedJoin = HubCapabilities(rawValue: 1 << 11)
    /// NAMES lists `nick!user@host`.
    static let userhostInNames = HubCapabilities(rawValue: 1 << 12)
    /// Standard replies (FAIL, WARN, NOTE) may come for any command, not only the ones that need them.
    static let standardReplies = HubCapabilities(rawValue: 1 << 13)
    /// MONITOR also tells of away, account and real-name changes, with the matching caps.
    static let extendedMonitor = HubCapabilities(rawValue: 1 << 14)
    /// SETNAME changes the real name and tells channel peers.
    static let setname = HubCapabilities(rawValue: 1 << 15)
    /// `draft/multiline` batches, to send and to receive (HubState+Multiline.swift).
    static let multiline = HubCapabilities(rawValue: 1 << 16)
    /// Channel members are told of INVITEs to their channel (IRCv3 invite-notify).
    static let inviteNotify = HubCapabilities(rawValue: 1 << 17)
    /// MARKREAD: the nick's sessions share what was read (HubState+ReadMarkers.swift).
    static let readMarker = HubCapabilities(rawValue: 1 << 18)

    /// Every capability with its name, in the order CAP LS and CAP LIST give them.
    static let named: [(name: String, capability: HubCapabilities)] = [
        ("message-tags", .messageTags),
        ("server-time", .serverTime),
        ("echo-message", .echoMessage),
        ("sasl", .sasl),
        ("multi-prefix", .multiPrefix),
        ("batch", .batch),
        ("draft/chathistory", .chathistory),
        ("labeled-response", .labeledResponse),
        ("account-tag", .accountTag),
        ("account-notify", .accountNotify),
        ("away-notify", .awayNotify),
        ("extended-join", .extendedJoin),
        ("userhost-in-names", .userhostInNames),
        ("standard-replies", .standardReplies),
        ("extended-monitor", .extendedMonitor),
        ("setname", .setname),
        ("draft/multiline", .multiline),
        ("invite-notify", .inviteNotify),
        ("draft/read-marker", .readMarker),
    ]

    /// The capability called `name` (case-sensitive, as IRCv3 names are), if offered.
    init?(name: some StringProtocol) {
        guard let entry = Self.named.first(where: { $0.name == name }) else { return nil }
        self = entry.capability
    }

    /// The CAP LS list; version 302 and later learn the SASL mechanism and the multiline
    /// limits as values.
    static func advertisement(version: Int) -> String {
        named.map { entry in
            guard version >= 302 else { return entry.name }
            switch entry.capability {
            case .sasl: return "sasl=EXTERNAL"
            case .multiline: return "draft/multiline=" + MultilineLimits.capabilityValue
            default: return entry.name
            }
        }.joined(separator: " ")
    }

    /// The enabled capabilities' names, space-separated, for CAP LIST.
    var names: String {
        Self.named.filter { contains($0.capability) }.map(\.name).joined(separator: " ")
    }
}
