/// An IRC glob mask: `*` matches any run of characters (none too), `?` exactly one, and
/// everything else itself under the server's casemapping (``IRCCaseMapping``).
///
/// The one matcher behind WHO masks and channel ban, exception and invite lists. It works
/// on UTF-8 bytes, so `?` matches one byte: masks are ASCII in practice (nicks, user
/// names, hosts), and a non-ASCII character still matches itself or a `*`.
public struct IRCMask: Hashable, Sendable, CustomStringConvertible {
    /// The mask as given, for listing it back.
    public let pattern: String
    /// The folded pattern's bytes, compared against folded text.
    private let folded: [UInt8]

    public init(_ pattern: String) {
        self.pattern = pattern
        self.folded = Array(IRCCaseMapping.fold(pattern).utf8)
    }

    public var description: String { pattern }

    /// Whether the mask holds a `*` or `?`, so that it can match more than one name.
    public var hasWildcards: Bool {
        folded.contains(UInt8(ascii: "*")) || folded.contains(UInt8(ascii: "?"))
    }

    /// Whether `text` matches the whole mask.
    ///
    /// Iterative, with one backtrack point (the last `*`): linear in practice and at most
    /// pattern length × text length steps, whatever a hostile mask holds.
    public func matches(_ text: String) -> Bool {
        let star = UInt8(ascii: "*")
        let any = UInt8(ascii: "?")
        return text.utf8.withContiguousStorageIfAvailable { matches($0, star: star, any: any) }
            ?? Array(text.utf8).withUnsafeBufferPointer { matches($0, star: star, any: any) }
    }

    private func matches(_ text: UnsafeBufferPointer<UInt8>, star: UInt8, any: UInt8) -> Bool {
        var p = 0
        var t = 0
        var lastStar: Int?
        var resumeAt = 0
        while t < text.count {
            if p < folded.count, folded[p] == star {
                lastStar = p
                p += 1
                resumeAt = t
            } else if p < folded.count, folded[p] == any || folded[p] == text[t].asciiLowercased {
                p += 1
                t += 1
            } else if let starAt = lastStar {
                // Let the last `*` swallow one more byte and try again from there.
                p = starAt + 1
                resumeAt += 1
                t = resumeAt
            } else {
                return false
            }
        }
        while p < folded.count, folded[p] == star { p += 1 }
        return p == folded.count
    }
}
