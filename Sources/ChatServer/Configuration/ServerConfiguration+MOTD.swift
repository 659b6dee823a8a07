extension ServerConfiguration {
    /// The most bytes of one MOTD line; longer lines are split so that each RPL_MOTD
    /// (`:server 372 nick :- text`) stays within IRC's 512-byte line.
    public static let motdLineBytes = 400

    /// The message of the day from ``motdPath``, one entry per line; nil when no MOTD is
    /// configured.
    ///
    /// Read fresh on each call, so an edited file is picked up without a restart. CRLF and
    /// a byte order mark are tolerated, invalid UTF-8 becomes U+FFFD, and lines longer than
    /// ``motdLineBytes`` are split between characters.
    ///
    /// - Throws: ``ConfigurationError`` `.fileUnreadable` (`path: cannot read: …`).
    public func loadMOTD() throws(ConfigurationError) -> [String]? {
        guard let path = self.motdPath else { return nil }
        let bytes = try FileContents.bytes(atPath: path, fix: "fix --motd (motd = \"…\" in the config file)")
        guard case .success(let lines) = FileContents.lines(bytes, strict: false) else {
            preconditionFailure("lenient line splitting cannot fail")
        }
        return lines.flatMap { Self.split($0, maxBytes: Self.motdLineBytes) }
    }

    /// `line` cut into pieces of at most `maxBytes` UTF-8 bytes, never inside a character
    /// (a single character longer than that stays whole); an empty line stays one line.
    static func split(_ line: String, maxBytes: Int) -> [String] {
        guard line.utf8.count > maxBytes else { return [line] }
        var pieces: [String] = []
        var current = ""
        var currentBytes = 0
        for character in line {
            let size = character.utf8.count
            if currentBytes + size > maxBytes, !current.isEmpty {
                pieces.append(current)
                current = ""
                currentBytes = 0
            }
            current.append(character)
            currentBytes += size
        }
        if !current.isEmpty { pieces.append(current) }
        return pieces
    }
}
