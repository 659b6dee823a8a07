/// Which rendering of a relayed message a recipient gets: with a `time` tag
/// (server-time), with the sender's client-only tags (message-tags), with the sender's
/// `account` tag (account-tag), in any combination.
struct Rendering: OptionSet, Hashable, Sendable {
    let rawValue: UInt8

    static let serverTime = Rendering(rawValue: 1 << 0)
    static let messageTags = Rendering(rawValue: 1 << 1)
    static let accountTag = Rendering(rawValue: 1 << 2)

    /// How many renderings there are: every combination of the three.
    static let count = 8

    /// The renderings, in the order their groups are delivered.
    static let all: [Rendering] = (0..<UInt8(count)).map(Rendering.init(rawValue:))

    /// What a recipient with `capabilities` is sent.
    init(_ capabilities: HubCapabilities) {
        var rendering: Rendering = []
        if capabilities.contains(.serverTime) { rendering.insert(.serverTime) }
        if capabilities.contains(.messageTags) { rendering.insert(.messageTags) }
        if capabilities.contains(.accountTag) { rendering.insert(.accountTag) }
        self = rendering
    }

    init(rawValue: UInt8) {
        self.rawValue = rawValue
    }
}

/// Recipients grouped by the ``Rendering`` they get, so that a message to any number of
/// them is rendered at most once per rendering. An empty set of groups costs no allocation.
struct DeliveryGroups: Sendable {
    /// Indexed by ``Rendering/rawValue``; empty until the first recipient.
    private var groups: [[SessionID]] = []

    init() {}

    /// One recipient (a private message): one group of one.
    init(_ recipient: SessionID, _ rendering: Rendering) {
        append(recipient, rendering)
    }

    subscript(rendering: Rendering) -> [SessionID] {
        get {
            let index = Int(rendering.rawValue)
            return index < groups.count ? groups[index] : []
        }
        set {
            let index = Int(rendering.rawValue)
            if groups.isEmpty { groups = Array(repeating: [], count: Rendering.count) }
            groups[index] = newValue
        }
    }

    mutating func append(_ recipient: SessionID, _ rendering: Rendering) {
        if groups.isEmpty { groups = Array(repeating: [], count: Rendering.count) }
        groups[Int(rendering.rawValue)].append(recipient)
    }

    /// Every recipient, each group in ``Rendering/all`` order.
    var all: [SessionID] { groups.flatMap { $0 } }
}
