import Moderation
import Testing

@Suite struct FilterMatchingTests {
    static let filter = ModerationFilter(
        rules: [
            FilterRule(id: "word", patterns: ["cunt"], action: .block),
            FilterRule(id: "phrase", patterns: ["go away now"], action: .warn),
            FilterRule(id: "prefix", patterns: ["shit*"], action: .log),
            FilterRule(id: "suffix", patterns: ["*hole"], allow: ["pothole"], action: .log),
            FilterRule(id: "inside", patterns: ["*fuck*"], action: .kick),
        ],
        path: "test"
    )

    /// Formatting, fullwidth letters, zero-width characters and case are all seen through.
    @Test(arguments: [
        ("cunt", "word", "cunt"),
        ("CUNT!", "word", "cunt"),
        ("\u{02}cu\u{02}nt", "word", "cunt"),
        ("\u{03}4,12cunt\u{0F}", "word", "cunt"),
        ("\u{03}04cu\u{03}nt", "word", "cunt"),
        ("\u{04}FF0000cunt", "word", "cunt"),
        ("ｃｕｎｔ", "word", "cunt"),
        ("c\u{200D}u\u{200B}nt", "word", "cunt"),
        ("cu\u{00AD}nt", "word", "cunt"),
        ("Go  away, NOW", "phrase", "go away now"),
        ("shitty day", "prefix", "shitty"),
        ("you ASSHOLE", "suffix", "asshole"),
        ("motherfuckers", "inside", "motherfuckers"),
        ("ＭＯＴＨＥＲ\u{200D}ＦＵＣＫＥＲ", "inside", "motherfucker"),
    ])
    func normalisedTextMatches(text: String, rule: String, token: String) throws {
        let match = try #require(Self.filter.match(text, scope: .channel))
        #expect(match.rule.id == rule)
        #expect(match.token == token)
    }

    @Test(arguments: ["Scunthorpe United", "cuntinue?", "go away", "away now", "shi", "a pothole", "hello world", ""])
    func innocentTextDoesNotMatch(text: String) {
        #expect(Self.filter.match(text, scope: .channel) == nil)
    }

    @Test func theMostSevereRuleWinsThenTheFirstWritten() throws {
        let match = try #require(Self.filter.match("shit cunt fuck", scope: .channel))
        #expect(match.rule.id == "inside")
    }

    @Test func scopesAndExemptionsAreHonoured() {
        let filter = ModerationFilter(
            rules: [
                FilterRule(id: "a", patterns: ["bad"], action: .block, scopes: [.private, .topic], exemptChannels: ["#Mods"], exemptNicks: ["Bot"])
            ],
            path: "test"
        )
        #expect(filter.match("bad", scope: .channel) == nil)
        #expect(filter.match("bad", scope: .private, nick: "alice")?.rule.id == "a")
        #expect(filter.match("bad", scope: .private, nick: "BOT") == nil)
        #expect(filter.match("bad", scope: .topic, channel: "#ops", nick: "alice")?.rule.id == "a")
        #expect(filter.match("bad", scope: .topic, channel: "#mods", nick: "alice") == nil)
        #expect(!filter.covers(.quit))
    }

    @Test func overlappingInsidePatternsNameTheirTokens() throws {
        let filter = ModerationFilter(
            rules: [FilterRule(id: "long", patterns: ["*abc def*"]), FilterRule(id: "short", patterns: ["*ef*"], action: .warn)],
            path: "test"
        )
        let scan = filter.scan("xabc defg")
        #expect(filter.decide(scan, scope: .channel, channel: nil, nick: "")?.token == "defg")
        #expect(filter.matches("xabc defg", scope: .channel).map(\.token) == ["xabc defg", "defg"])
        let long = FilterRule(id: "long", patterns: ["*abc def*"])
        #expect(ModerationFilter(rules: [long], path: "t").match("xabc defg", scope: .channel)?.token == "xabc defg")
    }

    @Test func normalisationTable() {
        #expect(TextNormalizer.normalize("Hello, \u{02}World\u{02}! ＡＢＣ").tokenStrings == ["hello", "world", "abc"])
        #expect(TextNormalizer.normalize("\u{03}12,04x\u{03},y").tokenStrings == ["x", "y"])
        #expect(TextNormalizer.normalize("a\u{200D}b ﬁne").tokenStrings == ["ab", "fine"])
        // Plain ASCII takes a walk of its own; it must cut and fold as the general path does.
        let plain = "Hello, WORLD!! it's 42x ~ a_b"
        #expect(TextNormalizer.normalize(plain).tokenStrings == ["hello", "world", "it", "s", "42x", "a", "b"])
        #expect(TextNormalizer.normalize(plain) == TextNormalizer.normalize(plain + "\u{02}"))
        #expect(TextNormalizer.normalize("   ").tokens.isEmpty)
        #expect(TextNormalizer.normalize("  ").tokenStrings == [])
    }
}
