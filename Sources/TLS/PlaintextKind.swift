/// What a peer that does not speak TLS seems to be sending, told from its first bytes.
///
/// This exists so that a refusal can say what arrived without repeating it: the first
/// bytes of a client that forgot TLS are often `PASS <password>` or an `Authorization`
/// header, and they must never reach a log. Only the kind and the length are reported.
public enum PlaintextKind: Hashable, Sendable, CustomStringConvertible {
    /// An HTTP/1 request line (`GET / HTTP/1.1`) or the HTTP/2 preface.
    case http
    /// An IRC command, as sent by a client (or a server) set up without TLS.
    case irc
    /// An SSH version banner.
    case ssh
    /// Other printable text.
    case text
    /// Anything else: control bytes, another binary protocol, a scanner's probe.
    case binary

    /// Classifies `bytes`, the start of what a peer sent; only the first bytes are looked
    /// at, and a prefix too short to tell (`PA`) counts as text.
    public init(classifying bytes: some Collection<UInt8>) {
        let head = Array(bytes.prefix(Self.inspectedBytes))
        if Self.startsWithHTTP(head) {
            self = .http
        } else if head.starts(with: Array("SSH-".utf8)) {
            self = .ssh
        } else if Self.startsWithIRC(head) {
            self = .irc
        } else if Self.isText(head, complete: head.count < Self.inspectedBytes) {
            self = .text
        } else {
            self = .binary
        }
    }

    /// What it looks like, in words, for a log line or a client's message.
    public var description: String {
        switch self {
        case .http: "an HTTP request (a browser, or a health check without TLS?)"
        case .irc: "IRC in plaintext (a client set up without TLS?)"
        case .ssh: "an SSH client"
        case .text: "text that is not TLS"
        case .binary: "binary data that is not TLS (a scanner, or another protocol?)"
        }
    }

    /// Enough for a method, a tag section's start or a prefix and a command.
    private static let inspectedBytes = 64

    private static let httpMethods = ["GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH", "PRI"]

    /// Commands a client sends first, or soon after (with a server's usual first lines).
    private static let ircCommands: Set<String> = [
        "CAP", "PASS", "NICK", "USER", "AUTHENTICATE", "WEBIRC", "PING", "PONG", "QUIT", "JOIN",
        "PART", "PRIVMSG", "NOTICE", "MODE", "WHO", "WHOIS", "TOPIC", "NAMES", "LIST", "AWAY", "ERROR",
    ]

    private static func startsWithHTTP(_ head: [UInt8]) -> Bool {
        guard let word = self.firstWord(head[...]) else { return false }
        return self.httpMethods.contains(word)
    }

    /// `[@tags ][:source ]COMMAND` followed by a space or a line end; COMMAND is a known
    /// command in any case, or a three-digit numeric.
    private static func startsWithIRC(_ head: [UInt8]) -> Bool {
        var rest = head[...]
        for marker in [UInt8(ascii: "@"), UInt8(ascii: ":")] where rest.first == marker {
            guard let space = rest.firstIndex(of: UInt8(ascii: " ")) else { return false }
            rest = rest[(space + 1)...]
        }
        guard let word = self.firstWord(rest) else { return false }
        return self.ircCommands.contains(word.uppercased()) || (word.count == 3 && word.allSatisfy(\.isNumber))
    }

    /// The letters or digits before the first space, CR or LF; nil when something else
    /// comes first or nothing follows them.
    private static func firstWord(_ bytes: ArraySlice<UInt8>) -> String? {
        let end = bytes.firstIndex { [UInt8(ascii: " "), UInt8(ascii: "\r"), UInt8(ascii: "\n")].contains($0) }
        guard let end, end > bytes.startIndex else { return nil }
        let word = bytes[..<end]
        guard word.allSatisfy({ (0x30...0x39).contains($0) || (0x41...0x5A).contains($0) || (0x61...0x7A).contains($0) }) else {
            return nil
        }
        return String(decoding: word, as: UTF8.self)
    }

    /// Valid UTF-8 without control characters other than tab, CR and LF. When `head` was
    /// cut from something longer (not `complete`), a character cut at its end is allowed.
    private static func isText(_ head: [UInt8], complete: Bool) -> Bool {
        let controls = head.contains { ($0 < 0x20 && $0 != 0x09 && $0 != 0x0A && $0 != 0x0D) || $0 == 0x7F }
        guard !controls else { return false }
        let cuts = complete ? 0...0 : 0...3
        return cuts.contains { String(validating: head.dropLast($0), as: UTF8.self) != nil }
    }
}
