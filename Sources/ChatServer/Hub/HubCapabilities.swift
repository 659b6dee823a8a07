/// The IRCv3 capabilities a session has enabled with `CAP REQ`.
struct HubCapabilities: OptionSet, Hashable, Sendable {
    let rawValue: UInt8

    init(rawValue: UInt8) {
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
    /// Channel members are told of INVITEs to their channel (IRCv3 invite-notify).
    static let inviteNotify = HubCapabilities(rawValue: 1 << 7)

    /// Every capability with its name, in the order CAP LS and CAP LIST give them.
    static let named: [(name: String, capability: HubCapabilities)] = [
        ("message-tags", .messageTags),
        ("server-time", .serverTime),
        ("echo-message", .echoMessage),
        ("sasl", .sasl),
        ("multi-prefix", .multiPrefix),
        ("batch", .batch),
        ("draft/chathistory", .chathistory),
        ("invite-notify", .inviteNotify),
    ]

    /// The capability called `name` (case-sensitive, as IRCv3 names are), if offered.
    init?(name: some StringProtocol) {
        guard let entry = Self.named.first(where: { $0.name == name }) else { return nil }
        self = entry.capability
    }

    /// The CAP LS list; version 302 and later learn the SASL mechanism as a value.
    static func advertisement(version: Int) -> String {
        named.map { entry in
            entry.capability == .sasl && version >= 302 ? "sasl=EXTERNAL" : entry.name
        }.joined(separator: " ")
    }

    /// The enabled capabilities' names, space-separated, for CAP LIST.
    var names: String {
        Self.named.filter { contains($0.capability) }.map(\.name).joined(separator: " ")
    }
}
