import IRC
import Testing

@Suite("Names and CASEMAPPING=ascii")
struct IRCNameTests {
    @Test("folds A–Z and nothing else", arguments: [
        ("Dan", "dan"),
        ("dan", "dan"),
        ("#SecureChat", "#securechat"),
        ("[]\\~", "[]\\~"),  // rfc1459 would fold these to {}|^; ascii does not
        ("{}|^", "{}|^"),
        ("ÉCOLE", "École"),
        ("#Café", "#café"),
        ("MiXeD-42_`", "mixed-42_`"),
        ("", ""),
    ] as [(String, String)])
    func foldsASCIIOnly(name: String, folded: String) {
        #expect(IRCCaseMapping.fold(name) == folded)
    }

    @Test func nonASCIILettersAreCaseSensitive() {
        #expect(IRCCaseMapping.fold("É") == "É")
        #expect(IRCName("#É") != IRCName("#é"))
    }

    @Test func namesAreEqualAndHashAlikeAcrossCase() {
        #expect(IRCName("Dan") == IRCName("dAN"))
        #expect(Set([IRCName("Dan"), IRCName("dan"), IRCName("DAN")]).count == 1)
        #expect(IRCName("dan[") != IRCName("dan{"))
        #expect(IRCCaseMapping.equals("#Chan", "#cHAN"))
        #expect(!IRCCaseMapping.equals("#Chan", "#Chan2"))
        #expect(!IRCCaseMapping.equals("[", "{"))
    }

    @Test func theSpellingIsKeptForDisplay() {
        let name: IRCName = "DanTheMan"
        #expect(name.spelling == "DanTheMan")
        #expect(name.key == "dantheman")
        #expect(name.description == "DanTheMan")
        let dictionary = [IRCName("Dan"): 1]
        #expect(dictionary[IRCName("dan")] == 1)
    }

    @Test func channelNamesAreRecognised() {
        #expect(IRCName("#chan").isChannel)
        #expect(!IRCName("dan").isChannel)
    }

    @Test func theISUPPORTTokenNamesAscii() {
        #expect(IRCCaseMapping.isupportToken == "CASEMAPPING=ascii")
    }

    @Test("validates nicknames", arguments: [
        ("dan", true), ("Dan", true), ("d", true), ("[dan]", true), ("\\dan", true), ("`dan", true), ("_dan", true),
        ("^dan", true), ("{dan}", true), ("|dan|", true), ("dan-2", true), ("d4n", true),
        (String(repeating: "a", count: 30), true),
        (String(repeating: "a", count: 31), false),
        ("", false), ("-dan", false), ("2dan", false), ("#dan", false), ("dan!x", false), ("dan@h", false),
        ("dan x", false), ("dan,x", false), ("dan*", false), ("dan?", false), (":dan", false), ("dän", false),
        ("dan.x", false), ("$dan", false), ("~dan", false), ("&dan", false),
    ] as [(String, Bool)])
    func validatesNickname(nick: String, isValid: Bool) {
        #expect(IRCName.isValidNickname(nick) == isValid)
    }

    @Test("validates channel names", arguments: [
        ("#chan", true), ("#c", true), ("##", true), ("#café", true), ("#a-b_c.d[e]", true), ("#:colon", true),
        ("#" + String(repeating: "c", count: 49), true),
        ("#" + String(repeating: "c", count: 50), false),
        ("#", false), ("", false), ("chan", false), ("&chan", false), ("+chan", false),
        ("#a b", false), ("#a,b", false), ("#a\u{07}b", false), ("#a\u{0}b", false), ("#a\rb", false), ("#a\nb", false),
    ] as [(String, Bool)])
    func validatesChannelName(channel: String, isValid: Bool) {
        #expect(IRCName.isValidChannelName(channel) == isValid)
    }

    @Test func channelLengthCountsBytes() {
        // 24 two-byte letters plus '#' is 49 bytes: allowed; one more is 51: refused.
        #expect(IRCName.isValidChannelName("#" + String(repeating: "é", count: 24)))
        #expect(!IRCName.isValidChannelName("#" + String(repeating: "é", count: 25)))
    }
}
