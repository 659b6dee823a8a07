import Moderation
import Testing

/// Many rules at once, checked against the plainest possible matcher: which rules each text
/// matches must not depend on how the tables and the automaton are laid out (shared
/// prefixes, hash collisions, keys longer than 63 bytes, texts of one repeated letter).
@Suite struct FilterAtScaleTests {
    /// A small deterministic generator, so that a failure can be reproduced.
    struct Generator {
        var state: UInt64
        mutating func next(_ bound: Int) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((state >> 33) % UInt64(bound))
        }
        /// A word over a small alphabet, so that patterns share prefixes and overlap.
        mutating func word(_ lengths: ClosedRange<Int>) -> String {
            let letters = Array("abcdex")
            let count = lengths.lowerBound + next(lengths.count)
            return String((0..<count).map { _ in letters[next(letters.count)] })
        }
    }

    enum Kind: CaseIterable { case word, phrase, prefix, suffix, inside }

    static func rules(seed: UInt64) -> [(FilterRule, Kind, [String])] {
        var generator = Generator(state: seed)
        return (0..<400).map { index in
            let kind = Kind.allCases[index % Kind.allCases.count]
            // Mostly short words, some past the 63-byte length bucket.
            let lengths = index % 37 == 0 ? 64...80 : 1...6
            let words = kind == .phrase ? [generator.word(1...3), generator.word(1...3)] : [generator.word(lengths)]
            let pattern: String
            switch kind {
            case .word: pattern = words[0]
            case .phrase: pattern = words.joined(separator: " ")
            case .prefix: pattern = words[0] + "*"
            case .suffix: pattern = "*" + words[0]
            case .inside: pattern = "*" + words[0] + "*"
            }
            return (FilterRule(id: "r\(index)", patterns: [pattern], action: .block), kind, words)
        }
    }

    /// What the rule matches, by the definition: whole tokens, a token's start or end, a
    /// run of whole tokens, or anywhere in the normalised text.
    static func reference(_ kind: Kind, _ words: [String], text: String) -> Bool {
        let tokens = TextNormalizer.normalize(text).tokenStrings
        let joined = tokens.joined(separator: " ")
        switch kind {
        case .word: return tokens.contains(words[0])
        case .phrase: return (" " + joined + " ").contains(" " + words.joined(separator: " ") + " ")
        case .prefix: return tokens.contains { $0.hasPrefix(words[0]) }
        case .suffix: return tokens.contains { $0.hasSuffix(words[0]) }
        case .inside: return joined.contains(words[0])
        }
    }

    @Test(arguments: [1, 2, 3] as [UInt64])
    func fourHundredRulesMatchAsTheirDefinitionsSay(seed: UInt64) {
        let rules = Self.rules(seed: seed)
        let filter = ModerationFilter(rules: rules.map(\.0), path: "generated")
        var generator = Generator(state: seed &+ 99)
        var texts = [
            String(repeating: "x", count: 200), String(repeating: "ab", count: 90), "", "   ",
            "ABC, Dex! ax-bx " + String(repeating: "e", count: 70),
        ]
        for _ in 0..<200 {
            let words = (0..<(1 + generator.next(12))).map { _ in
                generator.next(20) == 0 ? generator.word(60...90) : generator.word(1...7)
            }
            let separators = [" ", "  ", ", ", "-", "!"]
            texts.append(words.map { $0 + separators[generator.next(separators.count)] }.joined())
        }
        for text in texts {
            let found = Set(filter.matches(text, scope: .channel).map(\.rule.id))
            let expected = Set(rules.filter { Self.reference($0.1, $0.2, text: text) }.map(\.0.id))
            #expect(found == expected, "\(text)")
        }
    }
}
