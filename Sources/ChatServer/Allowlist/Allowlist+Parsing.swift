import IRC
import TLS

extension Allowlist {
    /// Reads the allowlist file at `path`, or parses `contents` when given: the bytes a
    /// ``FileWatcher`` read from that file once a write was complete, which reading the
    /// file again could miss (`path` then only names the file in messages).
    ///
    /// - Throws: ``ConfigurationError`` `.fileUnreadable` (`path: cannot read: <reason>`) or
    ///   any error of ``init(parsing:path:)``.
    public static func load(path: String, contents: [UInt8]? = nil) throws(ConfigurationError) -> Allowlist {
        let bytes = try FileContents.bytes(
            atPath: path, given: contents,
            fix: "give the allowlist with --allowlist (or allowlist = \"…\" in the config file), "
                + "a text file of NICK FINGERPRINT lines")
        switch FileContents.lines(bytes, strict: true) {
        case .success(let lines):
            return try Allowlist(lines: lines, path: path)
        case .failure(let invalid):
            throw ConfigurationError(
                .invalidEncoding, "\(path):\(invalid.number): not valid UTF-8; save the file as UTF-8")
        }
    }

    /// Parses allowlist text; `path` is only used in messages.
    ///
    /// One `NICK FINGERPRINT` per line. Blank lines, whole-line `#` comments and `#`
    /// comments after whitespace are ignored, as are surrounding spaces and tabs, CRLF line
    /// ends and a leading UTF-8 byte order mark. FINGERPRINT is any spelling
    /// `Fingerprint(parsing:)` accepts, including openssl's `SHA256 Fingerprint=…`. An empty
    /// file is valid (see ``isEmpty``).
    ///
    /// - Throws: ``ConfigurationError`` for the first malformed line, `path:line: what is
    ///   wrong`; nothing from the file is used then.
    public init(parsing text: String, path: String) throws(ConfigurationError) {
        guard case .success(let lines) = FileContents.lines(Array(text.utf8), strict: false) else {
            preconditionFailure("lenient line splitting cannot fail")
        }
        try self.init(lines: lines, path: path)
    }

    private init(lines: [String], path: String) throws(ConfigurationError) {
        var entries: [Entry] = []
        for (index, line) in lines.enumerated() {
            if let entry = try Self.parse(line, number: index + 1, path: path) {
                entries.append(entry)
            }
        }
        self.init(path: path, entries: entries)
    }

    /// What nicknames may contain, for messages.
    static let nicknameRule =
        "a nickname is 1 to \(IRCLimits.nickLength) characters: ASCII letters, digits, - and [ ] \\ ` _ ^ { | }, "
        + "not starting with a digit or -"

    /// One line: nil for a blank or comment line, an entry otherwise.
    private static func parse(_ line: String, number: Int, path: String) throws(ConfigurationError) -> Entry? {
        let fields = Self.fields(of: line)
        guard let nick = fields.first else { return nil }
        let at = "\(path):\(number)"

        guard IRCName.isValidNickname(nick) else {
            if (try? Fingerprint(parsing: nick)) != nil {
                throw ConfigurationError(
                    .invalidNickname, "\(at): the line starts with a fingerprint; write the nickname first: NICK FINGERPRINT")
            }
            throw ConfigurationError(.invalidNickname, "\(at): '\(nick)' is not a valid nickname; \(Self.nicknameRule)")
        }
        guard fields.count >= 2 else {
            throw ConfigurationError(
                .missingFingerprint,
                "\(at): '\(nick)' has no fingerprint; write NICK FINGERPRINT, for example \(nick) sha256:<64 hex digits>")
        }

        // openssl prints "SHA256 Fingerprint=AB:CD:…", one fingerprint in two fields.
        var fingerprintText = fields[1]
        var used = 2
        if fields.count >= 3, fields[1].lowercased() == "sha256", fields[2].lowercased().hasPrefix("fingerprint=") {
            fingerprintText = fields[1] + " " + fields[2]
            used = 3
        }
        guard fields.count == used else {
            throw ConfigurationError(
                .tooManyFields,
                "\(at): expected NICK FINGERPRINT, found \(fields.count) fields; write the fingerprint without "
                    + "spaces, one per line, and start comments with #")
        }
        do {
            return Entry(nick: nick, fingerprint: try Fingerprint(parsing: fingerprintText), line: number)
        } catch {
            throw ConfigurationError(.invalidFingerprint, "\(at): \(error.reason)")
        }
    }

    /// The whitespace-separated fields of `line` before any comment: a `#` at the start of
    /// a field starts a comment (so `#` right after a space or tab, or first on the line).
    private static func fields(of line: String) -> [String] {
        var fields: [String] = []
        for field in line.split(whereSeparator: { $0 == " " || $0 == "\t" }) {
            if field.first == "#" { break }
            fields.append(String(field))
        }
        return fields
    }
}
