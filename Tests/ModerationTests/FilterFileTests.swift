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

    /// A malformed filter file, where its error must point and words its message must hold.
    struct Malformed: Sendable, CustomTestStringConvertible {
        let text: String
        let location: String
        let words: String

        init(_ text: String, _ location: String, _ words: String) {
            (self.text, self.location, self.words) = (text, location, words)
        }

        var testDescription: String { "\(self.location) \(self.words.debugDescription)" }
    }

    @Test(arguments: [
        Malformed("[[rule]]\nid = \"a\"\nmatch = [\"a*b\"]\n", "filter.toml:3:", "only begin or end"),
        Malformed("[[rule]]\nid = \"a\"\nmatch = [\"x\"]\naction = \"ban\"\n", "filter.toml:4:", "action must be one of"),
        Malformed("[[rule]]\nid = \"a\"\nmatch = [\"x\"]\nscope = \"dm\"\n", "filter.toml:4:", "scope must be among"),
        Malformed("[[rule]]\nid = \"a\"\nmatch = [\"x\"]\ncolour = 1\n", "filter.toml:4:", "unknown key \"colour\""),
        Malformed("[[rule]]\nmatch = [\"x\"]\n", "filter.toml:1:", "needs an id"),
        Malformed("[[rule]]\nid = \"a\"\n", "filter.toml:1:", "needs match"),
        Malformed("[[rule]]\nid = \"a\"\nmatch = \"x\"\n[[rule]]\nid = \"a\"\nmatch = \"y\"\n", "filter.toml:5:", "already the id"),
        Malformed("[[rule]]\nid = \"a\"\nmatch = [\"two words*\"]\n", "filter.toml:3:", "one word"),
        Malformed("[[rule]]\nid = \"a\"\nmatch = [\"!!\"]\n", "filter.toml:3:", "no letter or digit"),
        Malformed("[[rule]\nid = 1\n", "filter.toml:1:", ""),
        Malformed("[rule]\nid = \"a\"\n", "filter.toml:1:", "[[rule]]"),
    ])
    func aMalformedFileIsRefusedWithItsLine(_ file: Malformed) {
        #expect {
            _ = try ModerationFilter(parsing: file.text, path: "filter.toml")
        } throws: { error in
            let reason = (error as? FilterFileError)?.reason ?? ""
            return reason.hasPrefix(file.location) && reason.contains(file.words)
        }
    }

    @Test func moreThanAThousandRulesAreRefused() {
        let text = (0...ModerationFilter.maximumRules).map { "[[rule]]\nid = \"r\($0)\"\nmatch = \"w\($0)\"\n" }.joined()
        #expect(throws: FilterFileError(.tooManyRules, "")) {
            _ = try ModerationFilter(parsing: text, path: "filter.toml")
        }
    }
}
