import Moderation
import Testing

@Suite struct FilterFileTests {
    @Test func aValidFileGivesItsRules() throws {
        let text = """
            # comment
            [[rule]]
            id = "slurs"
            match = ["cunt", "*fuck*"]
            allow = ["Scunthorpe"]
            action = "block"
            scope = ["channel", "private"]
            reason = "not here"
            exempt_channels = ["#Mods"]

            [[rule]]
            id = "spam"
            match = "buy now"
            """
        let filter = try ModerationFilter(parsing: text, path: "filter.toml")
        #expect(filter.rules.map(\.id) == ["slurs", "spam"])
        #expect(filter.rules[0].action == .block)
        #expect(filter.rules[0].scopes == [.channel, .private])
        #expect(filter.rules[0].allow == ["scunthorpe"])
        #expect(filter.rules[0].exemptChannels == ["#mods"])
        #expect(filter.rules[1].action == .log)
        #expect(filter.rules[1].scopes == [.channel])
        #expect(filter.match("BUY now!", scope: .channel)?.rule.id == "spam")
    }

    @Test(arguments: [
        ("[[rule]]\nid = \"a\"\nmatch = [\"a*b\"]\n", "filter.toml:3:", "only begin or end"),
        ("[[rule]]\nid = \"a\"\nmatch = [\"x\"]\naction = \"ban\"\n", "filter.toml:4:", "action must be one of"),
        ("[[rule]]\nid = \"a\"\nmatch = [\"x\"]\nscope = \"dm\"\n", "filter.toml:4:", "scope must be among"),
        ("[[rule]]\nid = \"a\"\nmatch = [\"x\"]\ncolour = 1\n", "filter.toml:4:", "unknown key \"colour\""),
        ("[[rule]]\nmatch = [\"x\"]\n", "filter.toml:1:", "needs an id"),
        ("[[rule]]\nid = \"a\"\n", "filter.toml:1:", "needs match"),
        ("[[rule]]\nid = \"a\"\nmatch = \"x\"\n[[rule]]\nid = \"a\"\nmatch = \"y\"\n", "filter.toml:5:", "already the id"),
        ("[[rule]]\nid = \"a\"\nmatch = [\"two words*\"]\n", "filter.toml:3:", "one word"),
        ("[[rule]]\nid = \"a\"\nmatch = [\"!!\"]\n", "filter.toml:3:", "no letter or digit"),
        ("[[rule]\nid = 1\n", "filter.toml:1:", ""),
        ("[rule]\nid = \"a\"\n", "filter.toml:1:", "[[rule]]"),
    ])
    func aMalformedFileIsRefusedWithItsLine(text: String, location: String, words: String) {
        #expect {
            _ = try ModerationFilter(parsing: text, path: "filter.toml")
        } throws: { error in
            let reason = (error as? FilterFileError)?.reason ?? ""
            return reason.hasPrefix(location) && reason.contains(words)
        }
    }

    @Test func moreThanAThousandRulesAreRefused() {
        let text = (0...ModerationFilter.maximumRules).map { "[[rule]]\nid = \"r\($0)\"\nmatch = \"w\($0)\"\n" }.joined()
        #expect(throws: FilterFileError(.tooManyRules, "")) {
            _ = try ModerationFilter(parsing: text, path: "filter.toml")
        }
    }
}
