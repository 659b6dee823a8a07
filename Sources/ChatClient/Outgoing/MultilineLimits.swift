/// What a server that offers IRCv3 `draft/multiline` accepts in one batch, from the value
/// of the capability (`max-bytes=4096,max-lines=100`).
public struct MultilineLimits: Hashable, Sendable {
    /// The most bytes of message text in one batch (line breaks between lines counted).
    public var maxBytes: Int
    /// The most PRIVMSG lines in one batch.
    public var maxLines: Int
}

extension MultilineLimits {
    /// Reads the capability's value; nil when `max-bytes` is missing or not a positive
    /// number (the specification requires it: a client cannot know what fits without it).
    /// A missing `max-lines` leaves only the byte limit.
    public init?(capabilityValue value: String) {
        var bytes: Int?
        var lines = Int.max
        for item in value.split(separator: ",") {
            let pair = item.split(separator: "=", maxSplits: 1).map(String.init)
            guard pair.count == 2, let number = Int(pair[1]), number > 0 else { continue }
            switch pair[0] {
            case "max-bytes": bytes = number
            case "max-lines": lines = number
            default: break
            }
        }
        guard let bytes else { return nil }
        self.init(maxBytes: bytes, maxLines: lines)
    }
}
