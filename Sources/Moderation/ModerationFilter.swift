/// The compiled filter: every rule's patterns in the few tables that let one pass over a
/// normalised message find every rule it matches.
///
/// - whole words and phrases: one hash table, keyed by the normalised text (a phrase's
///   tokens joined by single spaces); an entry for a token also says which phrase lengths
///   start with it, so phrases cost nothing unless their first word is there;
/// - `prefix*` and `*suffix`: a hash table each, looked up once per distinct pattern length
///   that fits in the token;
/// - `*inside*`: one Aho–Corasick pass over the whole normalised text.
///
/// The work per message is one normalisation and one pass over its tokens and bytes,
/// whatever the number of rules. It is a value: a reload builds a new one.
public struct ModerationFilter: Sendable {
    /// At most this many rules in one file.
    public static let maximumRules = 1000

    public let rules: [FilterRule]
    /// Where the rules came from, for messages.
    public let path: String

    private struct WordEntry: Sendable {
        var rules: [Int32] = []
        /// Token counts of the phrases that start with this token.
        var phraseLengths: [Int] = []
    }

    private var words = ByteKeyedTable<WordEntry>()
    private var phrases: [String: [Int32]] = [:]
    private var prefixes = ByteKeyedTable<[Int32]>()
    private var prefixLengths: [Int] = []
    private var suffixes = ByteKeyedTable<[Int32]>()
    private var suffixLengths: [Int] = []
    private var inside: AhoCorasick
    private var insideRules: [[Int32]] = []
    /// The scopes some rule covers: a message of another scope is not even normalised.
    private var scopes: Set<FilterScope> = []

    /// No rules: nothing matches.
    public init() {
        self.rules = []
        self.path = ""
        self.inside = AhoCorasick(patterns: [])
    }

    /// Compiles `rules`; the patterns are assumed valid (``FilterPattern/init(_:)`` checks them).
    public init(rules: [FilterRule], path: String) {
        self.rules = rules
        self.path = path
        var insidePatterns: [String: Int] = [:]
        var insideBytes: [[UInt8]] = []
        var insideRules: [[Int32]] = []
        for (index, rule) in rules.enumerated() {
            let ruleIndex = Int32(index)
            scopes.formUnion(rule.scopes)
            for text in rule.patterns {
                guard let pattern = try? FilterPattern(text) else { continue }
                switch pattern {
                case .word(let word):
                    words.update(word, initial: WordEntry()) { $0.rules.append(ruleIndex) }
                case .phrase(let tokens):
                    phrases[tokens.joined(separator: " "), default: []].append(ruleIndex)
                    words.update(tokens[0], initial: WordEntry()) { entry in
                        if !entry.phraseLengths.contains(tokens.count) { entry.phraseLengths.append(tokens.count) }
                    }
                case .prefix(let prefix):
                    prefixes.update(prefix, initial: []) { $0.append(ruleIndex) }
                    let length = prefix.utf8.count
                    if !prefixLengths.contains(length) { prefixLengths.append(length) }
                case .suffix(let suffix):
                    suffixes.update(suffix, initial: []) { $0.append(ruleIndex) }
                    let length = suffix.utf8.count
                    if !suffixLengths.contains(length) { suffixLengths.append(length) }
                case .inside(let text):
                    if let slot = insidePatterns[text] {
                        insideRules[slot].append(ruleIndex)
                    } else {
                        insidePatterns[text] = insideBytes.count
                        insideBytes.append(Array(text.utf8))
                        insideRules.append([ruleIndex])
                    }
                }
            }
        }
        prefixLengths.sort()
        suffixLengths.sort()
        self.inside = AhoCorasick(patterns: insideBytes)
        self.insideRules = insideRules
        // Classify the scalars now, while rules load, not on the first non-ASCII message.
        if !rules.isEmpty { _ = TextNormalizer.bmpClasses.count }
    }

    public var isEmpty: Bool { rules.isEmpty }

    /// Whether some rule looks at texts of `scope`; when not, ``scan(_:)`` need not run.
    public func covers(_ scope: FilterScope) -> Bool { scopes.contains(scope) }

    /// Every (rule, token) pair the text matches, before scopes and exemptions: run once per
    /// message, then asked per target with ``decide(_:scope:channel:nick:)``.
    public func scan(_ text: String) -> FilterScan {
        var scan = FilterScan()
        guard !isEmpty else { return scan }
        let normalized = TextNormalizer.normalize(text)
        let bytes = normalized.bytes
        let tokens = normalized.tokens
        for (position, range) in tokens.enumerated() {
            // The token as text only when something matched it.
            var token: String { String(decoding: bytes[range], as: UTF8.self) }
            if let entry = words.value(for: bytes[range]) {
                for rule in entry.rules { scan.add(rule, token: token) }
                for length in entry.phraseLengths where position + length <= tokens.count {
                    let phrase = normalized.text(position, through: position + length - 1)
                    for rule in phrases[phrase] ?? [] { scan.add(rule, token: phrase) }
                }
            }
            let count = range.count
            for length in prefixLengths {
                guard length <= count else { break }
                for rule in prefixes.value(for: bytes[range.lowerBound..<range.lowerBound + length]) ?? [] {
                    scan.add(rule, token: token)
                }
            }
            for length in suffixLengths {
                guard length <= count else { break }
                for rule in suffixes.value(for: bytes[range.upperBound - length..<range.upperBound]) ?? [] {
                    scan.add(rule, token: token)
                }
            }
        }
        if !inside.isEmpty {
            // Matches end in increasing order, so the token holding each end is found by
            // walking on; its start lies at most a pattern's length back.
            var last = 0
            inside.search(bytes) { pattern, end in
                while last < tokens.count, tokens[last].upperBound < end { last += 1 }
                guard last < tokens.count else { return }
                let start = end - inside.lengths[pattern]
                var first = last
                while first > 0, tokens[first].lowerBound > start { first -= 1 }
                let token = normalized.text(first, through: last)
                for rule in insideRules[pattern] { scan.add(rule, token: token) }
            }
        }
        return scan
    }

    /// The rule that decides what happens to a message of `scope` to `channel` (nil for a
    /// nick) sent by `nick`, from its ``scan(_:)``: the most severe rule that covers the
    /// scope, exempts neither the channel nor the nick, and whose token is not among its
    /// `allow`; on a tie, the rule written first. Names are compared ASCII-lowercased.
    public func decide(_ scan: FilterScan, scope: FilterScope, channel: String?, nick: String) -> FilterMatch? {
        guard !scan.hits.isEmpty else { return nil }
        let channelKey = channel.map(FilterRule.fold)
        let nickKey = FilterRule.fold(nick)
        var best: (index: Int32, token: String)?
        for hit in scan.hits {
            let rule = rules[Int(hit.rule)]
            guard rule.scopes.contains(scope), !rule.exemptNicks.contains(nickKey),
                !(channelKey.map(rule.exemptChannels.contains) ?? false), !rule.allow.contains(hit.token)
            else { continue }
            if let current = best {
                let held = rules[Int(current.index)].action
                guard rule.action > held || (rule.action == held && hit.rule < current.index) else { continue }
            }
            best = (hit.rule, hit.token)
        }
        return best.map { FilterMatch(rule: rules[Int($0.index)], token: $0.token) }
    }

    /// Every rule that applies to the text, each once with its first token, in file order
    /// (`filter-test`); ``decide(_:scope:channel:nick:)`` picks the one that acts.
    public func matches(_ text: String, scope: FilterScope, channel: String? = nil, nick: String = "") -> [FilterMatch] {
        guard covers(scope) else { return [] }
        var first: [Int32: String] = [:]
        for hit in scan(text).hits where first[hit.rule] == nil {
            let one = FilterScan(hit)
            if decide(one, scope: scope, channel: channel, nick: nick) != nil { first[hit.rule] = hit.token }
        }
        return first.sorted { $0.key < $1.key }.map { FilterMatch(rule: rules[Int($0.key)], token: $0.value) }
    }

    /// ``scan(_:)`` then ``decide(_:scope:channel:nick:)``, for one target.
    public func match(_ text: String, scope: FilterScope, channel: String? = nil, nick: String = "") -> FilterMatch? {
        guard covers(scope) else { return nil }
        return decide(scan(text), scope: scope, channel: channel, nick: nick)
    }
}

/// What one message matched, before its targets are known.
public struct FilterScan: Sendable {
    struct Hit: Sendable, Hashable {
        let rule: Int32
        let token: String
    }

    /// Each (rule, token) once, in the order found: a word repeated a hundred times is one hit.
    private(set) var hits: [Hit] = []
    private var seen: Set<Hit> = []

    public init() {}

    init(_ hit: Hit) {
        add(hit.rule, token: hit.token)
    }

    public var isEmpty: Bool { hits.isEmpty }

    mutating func add(_ rule: Int32, token: String) {
        let hit = Hit(rule: rule, token: token)
        if seen.insert(hit).inserted { hits.append(hit) }
    }
}
