import IRC
import TLS
import TOMLKit

extension ServerConfiguration {
    /// The name of the table that lists operators.
    static let operatorsTable = "operators"

    /// The `[operators]` table: one `HOLDER = "CLASS"` line per operator, where HOLDER is a
    /// nick (every certificate the allowlist binds to it) or a quoted fingerprint in any
    /// spelling the allowlist takes, and CLASS is `admin` or `moderator`:
    ///
    /// ```toml
    /// [operators]
    /// alice = "admin"
    /// "sha256:1f5ad86b…4b638" = "moderator"
    /// ```
    ///
    /// - Parameters:
    ///   - table: the table's field (its `path:line` is the `[operators]` line).
    ///   - entry: the field of one key of the table, with that key's own `path:line`.
    /// - Throws: ``ConfigurationError`` for the first bad line: a key that is neither a
    ///   nickname nor a fingerprint, a class other than the two, a holder listed twice.
    static func operators(
        in table: TOMLField, entry: (String, TOMLValue) -> TOMLField
    ) throws(ConfigurationError) -> OperatorList {
        guard case .table(let lines) = table.value else {
            throw table.wrongType(
                "a table: [\(operatorsTable)] on its own line, then NICK = \"admin\" or \"sha256:…\" = \"moderator\" lines")
        }
        var fields: [(holder: OperatorList.Holder, field: TOMLField)] = []
        for (key, value) in lines {
            let field = entry(key, value.tomlValue)
            fields.append((try self.operatorHolder(key, field), field))
        }
        // Reported in file order, as the rest of the file is.
        fields.sort { $0.field.location.lineNumber < $1.field.location.lineNumber }
        var entries: [OperatorList.Holder: OperatorClass] = [:]
        var first: [OperatorList.Holder: String] = [:]
        for (holder, field) in fields {
            let operatorClass = try field.choice(of: OperatorClass.self)
            let folded = Self.folded(holder)
            if let earlier = first[folded] {
                throw field.invalid(
                    "lists the operator of \(earlier) again (nicks compare without case, fingerprints without "
                        + "colons or case); keep one of the two lines")
            }
            first[folded] = field.location
            entries[holder] = operatorClass
        }
        return OperatorList(entries)
    }

    /// The nick or fingerprint a key of `[operators]` names.
    private static func operatorHolder(_ key: String, _ field: TOMLField) throws(ConfigurationError) -> OperatorList.Holder {
        if IRCName.isValidNickname(key) { return .nick(key) }
        if let fingerprint = try? Fingerprint(parsing: key) { return .fingerprint(fingerprint) }
        throw ConfigurationError(
            .invalidValue,
            "\(field.location): '\(key)' in [\(operatorsTable)] is neither a nickname nor a certificate fingerprint; "
                + "write NICK = \"admin\" for a nick the allowlist binds, or \"sha256:<64 hex digits>\" = \"moderator\" "
                + "(in quotes; spki:<64 hex digits> names a public key)")
    }

    private static func folded(_ holder: OperatorList.Holder) -> OperatorList.Holder {
        if case .nick(let nick) = holder { return .nick(IRCCaseMapping.fold(nick)) }
        return holder
    }
}

extension String {
    /// The line of a `path:line` location, for sorting (0 when there is none).
    fileprivate var lineNumber: Int {
        self.split(separator: ":").last.flatMap { Int($0) } ?? 0
    }
}
