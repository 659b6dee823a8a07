import IRC
import Testing

@Suite("IRCv3 message tags")
struct IRCTagsTests {
    @Test("unescapes values as IRCv3 message-tags says", arguments: [
        (#"\:"#, ";"),
        (#"\s"#, " "),
        (#"\\"#, "\\"),
        (#"\r"#, "\r"),
        (#"\n"#, "\n"),
        (#"\b"#, "b"),
        (#"a\"#, "a"),
        (#"\\\"#, "\\"),
        (#"x\:y\sz"#, "x;y z"),
        (#"\\n"#, #"\n"#),
        ("plain", "plain"),
    ] as [(String, String)])
    func unescapesValue(raw: String, value: String) throws {
        let message = try IRCMessage(parsing: "@k=\(raw) PING".utf8)
        #expect(message.tags.value(for: "k") == value)
    }

    @Test("a value that unescapes to nothing means no value", arguments: ["@k PING", "@k= PING", #"@k=\ PING"#])
    func emptyValuesMeanNoValue(line: String) throws {
        let message = try IRCMessage(parsing: line.utf8)
        #expect(message.tags.contains("k"))
        #expect(message.tags.value(for: "k") == nil)
        #expect(message.tags.first == IRCTag(key: "k"))
    }

    @Test("escapes values on the wire and reads them back", arguments: [
        (";", #"\:"#),
        (" ", #"\s"#),
        ("\\", #"\\"#),
        ("\r", #"\r"#),
        ("\n", #"\n"#),
        ("a;b c\\d", #"a\:b\sc\\d"#),
        ("=:,@", "=:,@"),
        ("日本", "日本"),
    ] as [(String, String)])
    func escapesValue(value: String, escaped: String) throws {
        let message = IRCMessage(tags: IRCTags([IRCTag(key: "k", value: value)]), command: "PING")
        #expect(message.serialized == "@k=\(escaped) PING")
        #expect(try IRCMessage(parsing: message.serialized.utf8) == message)
    }

    @Test("keys are [+][vendor/]name", arguments: [
        ("a", true), ("time", true), ("+a", true), ("A1-b", true), ("draft/reply", true), ("+draft/reply", true),
        ("example.com/foo", true), ("+example.com/foo-bar", true), ("sub.example.com/x", true),
        ("", false), ("+", false), ("++a", false), ("/a", false), ("a/", false), ("a.b", false), ("a/b/c", false),
        ("a/b.c", false), ("a_b", false), ("a b", false), ("é", false), ("a=b", false), ("a;b", false),
    ] as [(String, Bool)])
    func validatesKey(key: String, isValid: Bool) {
        #expect(IRCTag.isValidKey(key) == isValid)
    }

    @Test func clientOnlyTagsAreRecognisedByTheirPlus() {
        #expect(IRCTag(key: "+typing").isClientOnly)
        #expect(!IRCTag(key: "time").isClientOnly)
    }

    @Test func setReplacesInPlaceAndAppendsNewKeys() {
        var tags: IRCTags = ["a": "1", "b": "2"]
        tags.set("a", to: "3")
        tags.set("c", to: nil)
        #expect(tags.map(\.key) == ["a", "b", "c"])
        #expect(tags.value(for: "a") == "3")
        #expect(tags.contains("c") && tags.value(for: "c") == nil)
        #expect(!tags.contains("d"))
    }

    @Test func duplicateKeysKeepTheLastValueAtTheFirstPlace() {
        let tags = IRCTags([IRCTag(key: "a", value: "1"), IRCTag(key: "b", value: "2"), IRCTag(key: "a", value: "3")])
        #expect(tags.map(\.key) == ["a", "b"])
        #expect(tags.value(for: "a") == "3")
    }

    @Test func duplicateKeysAmongManyTagsKeepTheLastValue() {
        let many = (0..<40).map { IRCTag(key: "k\($0 % 20)", value: "\($0)") }
        let tags = IRCTags(many)
        #expect(tags.count == 20)
        #expect(tags.value(for: "k0") == "20")
        #expect(tags.first?.key == "k0")
    }

    @Test func emptyValueIsStoredAsNoValue() {
        var tag = IRCTag(key: "a", value: "")
        #expect(tag.value == nil)
        tag.value = ""
        #expect(tag.value == nil)
        let withEmpty: IRCTags = ["a": ""]
        let withNone: IRCTags = ["a": nil]
        #expect(withEmpty == withNone)
    }

    @Test func removeAndRemoveAllDropTags() {
        var tags: IRCTags = ["+typing": "active", "time": "t", "+draft/reply": "x"]
        #expect(tags.remove("time") == IRCTag(key: "time", value: "t"))
        #expect(tags.remove("time") == nil)
        tags.removeAll { $0.isClientOnly }
        #expect(tags.isEmpty)
    }
}

@Suite("Message sources")
struct IRCSourceTests {
    @Test("splits nick, user and host", arguments: [
        ("dan!d@localhost", "dan", "d", "localhost"),
        ("irc.example.com", "irc.example.com", nil, nil),
        ("dan@host", "dan", nil, "host"),
        ("dan!d", "dan", "d", nil),
        ("dan!~d@2001:db8::1", "dan", "~d", "2001:db8::1"),
    ] as [(String, String, String?, String?)])
    func splitsParts(raw: String, nick: String, user: String?, host: String?) {
        let source = IRCSource(raw)
        #expect(source.nick == nick)
        #expect(source.user.map(String.init) == user)
        #expect(source.host.map(String.init) == host)
    }

    @Test func buildsFromParts() {
        #expect(IRCSource(nick: "dan", user: "d", host: "localhost").rawValue == "dan!d@localhost")
        #expect(IRCSource(nick: "dan").rawValue == "dan")
        #expect(IRCSource(nick: "dan", host: "h").rawValue == "dan@h")
    }
}
