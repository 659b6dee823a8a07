import NIOCore

/// One IRC message: optional IRCv3 tags, an optional source, a command and parameters.
///
/// Built by the server for its replies, or read from a client's line with
/// ``init(parsing:)``. The last parameter is a normal
/// parameter: whether it was sent after ` :` is not recorded, and ``write(into:)``
/// adds the `:` exactly when the wire needs it.
///
/// For every message that ``isWellFormed``, `try IRCMessage(parsing: m.serialized.utf8)
/// == m`; every parsed message is well-formed.
public struct IRCMessage: Hashable, Sendable, CustomStringConvertible {
    /// The IRCv3 tags, in order; empty when the line had none.
    public var tags: IRCTags
    /// The source (prefix), if any.
    public var source: IRCSource?
    /// The command, upper-case letters (`PRIVMSG`), or a three-digit numeric (`001`).
    public var command: String
    /// The parameters, the trailing one included as a normal element.
    public var params: [String]

    /// A message from its parts. The caller keeps the parts well-formed (see
    /// ``isWellFormed``); parameters from a client are, since they were parsed.
    public init(tags: IRCTags = [:], source: IRCSource? = nil, command: String, params: [String] = []) {
        self.tags = tags
        self.source = source
        self.command = command
        self.params = params
    }

    /// A numeric reply, e.g. `IRCMessage(source: server, numeric: .RPL_WELCOME,
    /// params: [nick, "Welcome"])`. modern.ircdocs.horse says numerics carry a source
    /// and the target as their first parameter; the caller supplies both.
    public init(tags: IRCTags = [:], source: IRCSource?, numeric: IRCNumeric, params: [String]) {
        self.init(tags: tags, source: source, command: numeric.code, params: params)
    }

    /// The message as one line without its `\r\n`, for logs and tests.
    public var description: String { serialized }

    /// Whether the message can be written and read back unchanged.
    ///
    /// True when: every tag key is valid and no value holds NUL; the source is
    /// non-empty without space, NUL, CR or LF; the command is upper-case ASCII letters
    /// or three digits; there are at most ``IRCLimits/maxParameters`` parameters, none
    /// holding NUL, CR or LF; and every parameter but the last is non-empty, has no
    /// space and does not start with `:`. ``write(into:)`` does not check this (it is
    /// on the hot path); servers assert it where they build messages from text.
    public var isWellFormed: Bool {
        for tag in tags {
            guard IRCTag.isValidKey(tag.key) else { return false }
            if let value = tag.value, value.utf8.contains(0) { return false }
        }
        if let source {
            let raw = source.rawValue.utf8
            guard !raw.isEmpty, !raw.contains(where: { $0.isLineBreakOrNUL || $0 == UInt8(ascii: " ") })
            else { return false }
        }
        guard Self.isValidCommand(command.utf8, allowLowercase: false) else { return false }
        guard params.count <= IRCLimits.maxParameters else { return false }
        for (index, param) in params.enumerated() {
            let utf8 = param.utf8
            if utf8.contains(where: \.isLineBreakOrNUL) { return false }
            if index < params.count - 1 {
                if utf8.isEmpty || utf8.first == UInt8(ascii: ":") || utf8.contains(UInt8(ascii: " ")) {
                    return false
                }
            }
        }
        return true
    }

    /// Letters only (at least one) or exactly three digits.
    static func isValidCommand(_ bytes: some Collection<UInt8>, allowLowercase: Bool) -> Bool {
        guard let first = bytes.first else { return false }
        if first.isASCIIDigit {
            return bytes.count == 3 && bytes.allSatisfy(\.isASCIIDigit)
        }
        if allowLowercase {
            return bytes.allSatisfy(\.isASCIILetter)
        }
        return bytes.allSatisfy { $0 >= UInt8(ascii: "A") && $0 <= UInt8(ascii: "Z") }
    }
}

extension UInt8 {
    var isLineBreakOrNUL: Bool {
        self == 0 || self == UInt8(ascii: "\r") || self == UInt8(ascii: "\n")
    }
}
