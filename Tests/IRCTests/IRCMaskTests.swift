import IRC
import Testing

@Suite struct IRCMaskTests {
    @Test(arguments: [
        ("*", "", true),
        ("*", "anything", true),
        ("eva*", "eva", true),
        ("eva*", "Evangeline", true),
        ("EVA*", "evangeline", true),
        ("eva*", "xeva", false),
        ("?va", "eva", true),
        ("?va", "va", false),
        ("e?a", "eva", true),
        ("*!*@192.0.2.*", "alice!alice@192.0.2.1", true),
        ("*!*@192.0.2.*", "alice!alice@198.51.100.7", false),
        ("alice!*@*", "ALICE!Al@host", true),
        ("a*b*c", "aXXbYYc", true),
        ("a*b*c", "aXXbYY", false),
        ("*a*a*a*a*a*b", String(repeating: "a", count: 200), false),
        ("**", "x", true),
        ("alice", "alice", true),
        ("alice", "alicex", false),
        ("[x]", "{x}", false),  // rfc1459 would fold these; ascii does not
        ("café*", "café!u@h", true),
    ])
    func globsMatchUnderTheCasemapping(mask: String, text: String, matches: Bool) {
        #expect(IRCMask(mask).matches(text) == matches, "\(mask) against \(text)")
    }

    @Test func wildcardsAreDetected() {
        #expect(IRCMask("eva*").hasWildcards)
        #expect(IRCMask("e?a").hasWildcards)
        #expect(!IRCMask("eva").hasWildcards)
        #expect(IRCMask("Eva*").pattern == "Eva*")
    }
}
