/// Which rendering of a relayed message a recipient gets: with a `time` tag
/// (server-time), with the sender's client-only tags (message-tags), both or neither.
struct Rendering: OptionSet, Hashable, Sendable {
    let rawValue: UInt8

    static let serverTime = Rendering(rawValue: 1 << 0)
    static let messageTags = Rendering(rawValue: 1 << 1)

    /// The four renderings, in the order their groups are delivered.
    static let all: [Rendering] = [[], .serverTime, .messageTags, [.serverTime, .messageTags]]

    /// What a recipient with `capabilities` is sent.
    init(_ capabilities: HubCapabilities) {
        var rendering: Rendering = []
        if capabilities.contains(.serverTime) { rendering.insert(.serverTime) }
        if capabilities.contains(.messageTags) { rendering.insert(.messageTags) }
        self = rendering
    }

    init(rawValue: UInt8) {
        self.rawValue = rawValue
    }
}

/// Recipients grouped by the ``Rendering`` they get, so that a message to any number of
/// them is rendered at most four times. An empty group costs no allocation.
struct DeliveryGroups: Sendable {
    private var plain: [SessionID] = []
    private var timed: [SessionID] = []
    private var tagged: [SessionID] = []
    private var timedAndTagged: [SessionID] = []

    init() {}

    /// One recipient (a private message): one group of one.
    init(_ recipient: SessionID, _ rendering: Rendering) {
        self[rendering] = [recipient]
    }

    subscript(rendering: Rendering) -> [SessionID] {
        get {
            switch rendering {
            case []: plain
            case .serverTime: timed
            case .messageTags: tagged
            default: timedAndTagged
            }
        }
        set {
            switch rendering {
            case []: plain = newValue
            case .serverTime: timed = newValue
            case .messageTags: tagged = newValue
            default: timedAndTagged = newValue
            }
        }
    }

    mutating func append(_ recipient: SessionID, _ rendering: Rendering) {
        switch rendering {
        case []: plain.append(recipient)
        case .serverTime: timed.append(recipient)
        case .messageTags: tagged.append(recipient)
        default: timedAndTagged.append(recipient)
        }
    }
}
