import TOMLKit
import TOMLSyntax

extension ModerationFilter {
    /// The keys a `[[rule]]` may have.
    static let ruleKeys = ["id", "match", "allow", "action", "scope", "reason", "exempt_channels", "exempt_nicks"]

    /// Parses a filter file: `[[rule]]` tables, at most ``maximumRules``; `path` is only
    /// used in messages.
    ///
    /// ```toml
    /// [[rule]]
    /// id = "slurs"
    /// match = ["badword", "bad phrase", "prefix*", "*suffix", "*inside*"]
    /// allow = ["scunthorpe"]
    /// action = "block"            # log (default) | warn | block | kick | disconnect
    /// scope = ["channel", "private"]   # channel (default) | private | notice | topic | part | quit
    /// reason = "slurs are not welcome here"
    /// exempt_channels = ["#moderators"]
    /// exempt_nicks = ["modbot"]
    /// ```
    ///
    /// - Throws: ``FilterFileError`` for the first problem, as `path:line: what is wrong`;
    ///   nothing of the file is used then.
    public init(parsing text: String, path: String) throws(FilterFileError) {
        let root = try TOMLTable.parsing(text, path: path) { FilterFileError(.syntax, $0) }
        let lines = RuleLocator(text: text)
        for (key, _) in root where key != "rule" {
            throw FilterFileError(
                .invalidRule, "\(path):\(lines.line(ofTopLevel: key)): unknown key \"\(key)\"; a filter file holds [[rule]] tables only")
        }
        var rules: [FilterRule] = []
        if let value = root["rule"] {
            guard let array = value.tomlValue.array else {
                throw FilterFileError(.invalidRule, "\(path):\(lines.line(ofTopLevel: "rule")): write each rule as [[rule]], not [rule]")
            }
            guard array.count <= Self.maximumRules else {
                throw FilterFileError(
                    .tooManyRules,
                    "\(path):\(lines.line(ofRule: Self.maximumRules, key: nil)): more than \(Self.maximumRules) rules (\(array.count)); merge rules that share an action"
                )
            }
            var ids: [String: Int] = [:]
            for index in 0..<array.count {
                guard let table = array[index].table else {
                    throw FilterFileError(.invalidRule, "\(path):\(lines.line(ofRule: index, key: nil)): a rule must be a [[rule]] table")
                }
                let rule = try Self.rule(table, index: index, path: path, lines: lines)
                if let earlier = ids[rule.id] {
                    throw FilterFileError(
                        .invalidRule,
                        "\(path):\(lines.line(ofRule: index, key: "id")): id \"\(rule.id)\" is already the id of the rule at line \(earlier)")
                }
                ids[rule.id] = lines.line(ofRule: index, key: "id")
                rules.append(rule)
            }
        }
        self.init(rules: rules, path: path)
    }

    private static func rule(_ table: TOMLTable, index: Int, path: String, lines: RuleLocator) throws(FilterFileError) -> FilterRule {
        func location(_ key: String?) -> String { "\(path):\(lines.line(ofRule: index, key: key))" }
        for (key, _) in table where !ruleKeys.contains(key) {
            throw FilterFileError(.invalidRule, "\(location(key)): unknown key \"\(key)\"; a rule has \(ruleKeys.joined(separator: ", "))")
        }
        func strings(_ key: String) throws(FilterFileError) -> [String]? {
            guard let value = table[key]?.tomlValue else { return nil }
            if let text = value.string { return [text] }
            guard let array = value.array else {
                throw FilterFileError(.invalidRule, "\(location(key)): \(key) must be a string or an array of strings")
            }
            var result: [String] = []
            for index in 0..<array.count {
                guard let text = array[index].string else {
                    throw FilterFileError(.invalidRule, "\(location(key)): \(key) must be a string or an array of strings")
                }
                result.append(text)
            }
            return result
        }
        func single(_ key: String) throws(FilterFileError) -> String? {
            guard let value = table[key]?.tomlValue else { return nil }
            guard let text = value.string else {
                throw FilterFileError(.invalidRule, "\(location(key)): \(key) must be a string (in quotes)")
            }
            return text
        }
        guard let id = try single("id"), !id.isEmpty,
            !id.contains(where: { $0 == " " || $0 == "," || $0 == ":" || $0.isNewline })
        else {
            throw FilterFileError(.invalidRule, "\(location("id")): every rule needs an id, a name without spaces, commas or colons")
        }
        guard let patterns = try strings("match"), !patterns.isEmpty else {
            throw FilterFileError(.invalidRule, "\(location("match")): rule \(id) needs match = [\"word\", …]")
        }
        for pattern in patterns {
            do {
                _ = try FilterPattern(pattern)
            } catch {
                throw error.at(location("match"))
            }
        }
        var action = FilterAction.log
        if let name = try single("action") {
            guard let parsed = FilterAction(rawValue: name) else {
                throw FilterFileError(
                    .invalidRule,
                    "\(location("action")): action must be one of \(FilterAction.allCases.map(\.rawValue).joined(separator: ", ")), not \"\(name)\"")
            }
            action = parsed
        }
        var scopes: Set<FilterScope> = [.channel]
        if let names = try strings("scope") {
            scopes = []
            for name in names {
                guard let scope = FilterScope(rawValue: name) else {
                    throw FilterFileError(
                        .invalidRule,
                        "\(location("scope")): scope must be among \(FilterScope.allCases.map(\.rawValue).joined(separator: ", ")), not \"\(name)\"")
                }
                scopes.insert(scope)
            }
            guard !scopes.isEmpty else {
                throw FilterFileError(.invalidRule, "\(location("scope")): scope must name at least one scope")
            }
        }
        var rule = FilterRule(
            id: id, patterns: patterns, allow: Set(try strings("allow") ?? []), action: action, scopes: scopes,
            exemptChannels: Set(try strings("exempt_channels") ?? []), exemptNicks: Set(try strings("exempt_nicks") ?? [])
        )
        if let reason = try single("reason") {
            guard !reason.isEmpty, !reason.contains(where: \.isNewline) else {
                throw FilterFileError(.invalidRule, "\(location("reason")): reason must be one line of text")
            }
            rule.reason = reason
        }
        return rule
    }
}

/// Finds the line of a `[[rule]]` table or of a key in it, for messages (the TOML parser
/// keeps no positions). Reads the text as a person would; the parser has already checked it.
struct RuleLocator {
    /// First line of each `[[rule]]` header.
    private var ruleLines: [Int] = []
    /// Per rule, the first line of each key.
    private var keyLines: [[String: Int]] = []
    private var topLevel: [String: Int] = [:]

    init(text: String) {
        let lines = text.split(omittingEmptySubsequences: false) { $0 == "\n" || $0 == "\r\n" }
        for (index, raw) in lines.enumerated() {
            let line = raw.drop { $0 == " " || $0 == "\t" || $0 == "\u{FEFF}" }
            if line.isEmpty || line.first == "#" { continue }
            if line.hasPrefix("[") {
                let name = line.drop { $0 == "[" }.prefix { $0 != "]" }.trimmingSpaces
                if name == "rule" && line.hasPrefix("[[") {
                    ruleLines.append(index + 1)
                    keyLines.append([:])
                } else if topLevel[name] == nil {
                    topLevel[name] = index + 1
                }
                continue
            }
            guard let equals = line.firstIndex(of: "=") else { continue }
            let key = line[..<equals].trimmingSpaces.trimmingCharacters("\"'")
            if keyLines.isEmpty {
                if topLevel[key] == nil { topLevel[key] = index + 1 }
            } else if keyLines[keyLines.count - 1][key] == nil {
                keyLines[keyLines.count - 1][key] = index + 1
            }
        }
    }

    /// The line of `key` in rule `index` (0-based), else of its header, else 1.
    func line(ofRule index: Int, key: String?) -> Int {
        guard index < ruleLines.count else { return ruleLines.last ?? 1 }
        return key.flatMap { keyLines[index][$0] } ?? ruleLines[index]
    }

    func line(ofTopLevel key: String) -> Int {
        topLevel[key] ?? ruleLines.first ?? 1
    }
}

extension Substring {
    fileprivate var trimmingSpaces: String {
        String(self.drop { $0 == " " || $0 == "\t" }.reversed().drop { $0 == " " || $0 == "\t" }.reversed())
    }
}

extension String {
    fileprivate func trimmingCharacters(_ set: String) -> String {
        String(self.drop { set.contains($0) }.reversed().drop { set.contains($0) }.reversed())
    }
}
