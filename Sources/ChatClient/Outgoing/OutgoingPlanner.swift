import IRC

/// Turns text for one target into the lines that carry it: pure, so that every edge of
/// splitting and batching is a table test.
///
/// - Every line break in the text starts a new IRC line; blank lines are kept inside a
///   multiline batch and dropped otherwise (IRC has no empty message).
/// - A line longer than fits is cut with ``MessageSplitter`` at word boundaries. The
///   budget is the 510 bytes of an IRC body as the server relays it to others:
///   `:nick!user@host PRIVMSG target :text` (tags do not count: they have their own budget).
/// - Where the server offers `draft/multiline` (with `batch`), text of more than one line
///   or piece goes as `BATCH +id draft/multiline target`, PRIVMSG lines tagged
///   `batch=id` (`draft/multiline-concat` on the pieces of a cut line), `BATCH -id`;
///   text beyond the advertised `max-bytes` or `max-lines` goes on in a further batch.
///   Actions (`/me`) are never batched.
public struct OutgoingPlanner: Sendable {
    /// One message as the server sees it: one PRIVMSG, or one multiline batch.
    public struct Unit: Hashable, Sendable {
        /// The lines to write, in order.
        public var lines: [IRCMessage]
        /// The text the server's echo carries (a multiline batch's lines joined with LF,
        /// its concatenated pieces without), to recognise the acknowledgement.
        public var echoText: String
        /// True for a multiline batch.
        public var isBatch: Bool
    }

    /// The batches opened so far; their references are `ml1`, `ml2`, …
    private var batchCount = 0

    public init() {}

    /// The bytes of text one PRIVMSG to `target` may carry when relayed from `source`
    /// (`nick!user@host`, our own as the server shows it).
    public static func budget(source: String, target: String, action: Bool) -> Int {
        let overhead = ":\(source) PRIVMSG \(target) :".utf8.count + (action ? "\u{1}ACTION \u{1}".utf8.count : 0)
        return max(IRCLimits.maxBodyBytesWithoutLineEnding - overhead, 16)
    }

    /// The units that carry `text` to `target`, in order.
    ///
    /// - Parameters:
    ///   - source: our own `nick!user@host` (an estimate before the server showed it).
    ///   - multiline: the server's limits when it offers `draft/multiline`, else nil.
    public mutating func plan(
        _ text: String, to target: String, action: Bool = false, source: String, multiline: MultilineLimits?
    ) -> [Unit] {
        let budget = Self.budget(source: source, target: target, action: action)
        let lines = Self.lines(of: text)
        let pieces = lines.map { MessageSplitter.pieces(of: $0, budget: budget) }
        let single = lines.count <= 1 && pieces.joined().count <= 1
        guard let multiline, !action, !single else {
            return pieces.joined().map { piece in
                let wire = action ? "\u{1}ACTION \(piece)\u{1}" : piece
                return Unit(lines: [IRCMessage(command: "PRIVMSG", params: [target, wire])], echoText: wire, isBatch: false)
            }
        }
        return self.batches(pieces, to: target, limits: multiline)
    }

    /// The text's lines: split at LF, CRLF or CR, without leading and trailing blank lines.
    static func lines(of text: String) -> [String] {
        var lines = text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" || $0 == "\r" })
            .map(String.init)
        while lines.first?.isEmpty == true { lines.removeFirst() }
        while lines.last?.isEmpty == true { lines.removeLast() }
        return lines
    }

    private mutating func batches(_ pieces: [[String]], to target: String, limits: MultilineLimits) -> [Unit] {
        var units: [Unit] = []
        var current: [(text: String, concat: Bool)] = []
        var bytes = 0
        func close() {
            guard !current.isEmpty else { return }
            self.batchCount += 1
            let reference = "ml\(self.batchCount)"
            var lines = [IRCMessage(command: "BATCH", params: ["+" + reference, "draft/multiline", target])]
            var echo = ""
            for (index, part) in current.enumerated() {
                var tags: IRCTags = ["batch": reference]
                if part.concat { tags.set("draft/multiline-concat", to: nil) }
                lines.append(IRCMessage(tags: tags, command: "PRIVMSG", params: [target, part.text]))
                echo += (index > 0 && !part.concat ? "\n" : "") + part.text
            }
            lines.append(IRCMessage(command: "BATCH", params: ["-" + reference]))
            units.append(Unit(lines: lines, echoText: echo, isBatch: true))
            current = []
            bytes = 0
        }
        for line in pieces {
            for (index, piece) in (line.isEmpty ? [""] : line).enumerated() {
                // A piece that starts a new batch starts a new message: it carries no concat tag.
                var concat = index > 0
                let cost = piece.utf8.count + (concat || current.isEmpty ? 0 : 1)
                if !current.isEmpty, current.count + 1 > limits.maxLines || bytes + cost > limits.maxBytes {
                    close()
                    concat = false
                }
                current.append((piece, concat && !current.isEmpty))
                bytes += current.count == 1 ? piece.utf8.count : cost
            }
        }
        close()
        return units
    }
}
