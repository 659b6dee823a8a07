import IRC
import NIOCore
import Testing

/// One line and the message it must parse to.
struct ParseCase: Sendable, CustomTestStringConvertible {
    let line: String
    let tags: [IRCTag]
    let source: String?
    let command: String
    let params: [String]

    init(_ line: String, tags: [IRCTag] = [], source: String? = nil, command: String, params: [String] = []) {
        self.line = line
        self.tags = tags
        self.source = source
        self.command = command
        self.params = params
    }

    var testDescription: String { line.debugDescription }

    var expected: IRCMessage {
        IRCMessage(tags: IRCTags(tags), source: source.map { IRCSource($0) }, command: command, params: params)
    }
}

/// modern.ircdocs.horse's examples and the public-domain irc-parser-tests vectors
/// (msg-split), with commands upper-cased as our parser does.
let parseCases: [ParseCase] = [
    // modern.ircdocs.horse, "Message Format" and "Parameters"
    ParseCase(":irc.example.com CAP LS * :multi-prefix extended-join sasl", source: "irc.example.com",
              command: "CAP", params: ["LS", "*", "multi-prefix extended-join sasl"]),
    ParseCase("@id=234AB :dan!d@localhost PRIVMSG #chan :Hey what's up!", tags: [IRCTag(key: "id", value: "234AB")],
              source: "dan!d@localhost", command: "PRIVMSG", params: ["#chan", "Hey what's up!"]),
    ParseCase("CAP REQ :sasl", command: "CAP", params: ["REQ", "sasl"]),
    ParseCase(":irc.example.com CAP * LIST :", source: "irc.example.com", command: "CAP", params: ["*", "LIST", ""]),
    ParseCase("CAP * LS :multi-prefix sasl", command: "CAP", params: ["*", "LS", "multi-prefix sasl"]),
    ParseCase("CAP REQ :sasl message-tags foo", command: "CAP", params: ["REQ", "sasl message-tags foo"]),
    ParseCase(":dan!d@localhost PRIVMSG #chan :Hey!", source: "dan!d@localhost", command: "PRIVMSG", params: ["#chan", "Hey!"]),
    ParseCase(":dan!d@localhost PRIVMSG #chan Hey!", source: "dan!d@localhost", command: "PRIVMSG", params: ["#chan", "Hey!"]),
    ParseCase(":dan!d@localhost PRIVMSG #chan ::-)", source: "dan!d@localhost", command: "PRIVMSG", params: ["#chan", ":-)"]),
    ParseCase("@id=123AB;rose PING", tags: [IRCTag(key: "id", value: "123AB"), IRCTag(key: "rose")], command: "PING"),
    ParseCase("@url=;netsplit=tur,ty PING", tags: [IRCTag(key: "url"), IRCTag(key: "netsplit", value: "tur,ty")], command: "PING"),
    // irc-parser-tests msg-split: simple, source, trailing
    ParseCase("foo bar baz asdf", command: "FOO", params: ["bar", "baz", "asdf"]),
    ParseCase(":coolguy foo bar baz asdf", source: "coolguy", command: "FOO", params: ["bar", "baz", "asdf"]),
    ParseCase("foo bar baz :asdf quux", command: "FOO", params: ["bar", "baz", "asdf quux"]),
    ParseCase("foo bar baz :", command: "FOO", params: ["bar", "baz", ""]),
    ParseCase("foo bar baz ::asdf", command: "FOO", params: ["bar", "baz", ":asdf"]),
    ParseCase(":coolguy foo bar baz :  asdf quux ", source: "coolguy", command: "FOO", params: ["bar", "baz", "  asdf quux "]),
    ParseCase(":coolguy PRIVMSG bar :lol :) ", source: "coolguy", command: "PRIVMSG", params: ["bar", "lol :) "]),
    ParseCase(":coolguy foo bar baz :  ", source: "coolguy", command: "FOO", params: ["bar", "baz", "  "]),
    // tags, escapes, duplicates
    ParseCase("@a=b;c=32;k;rt=ql7 foo",
              tags: [IRCTag(key: "a", value: "b"), IRCTag(key: "c", value: "32"), IRCTag(key: "k"), IRCTag(key: "rt", value: "ql7")],
              command: "FOO"),
    ParseCase(#"@a=b\\and\nk;c=72\s45;d=gh\:764 foo"#,
              tags: [IRCTag(key: "a", value: "b\\and\nk"), IRCTag(key: "c", value: "72 45"), IRCTag(key: "d", value: "gh;764")],
              command: "FOO"),
    ParseCase("@c;h=;a=b :quux ab cd", tags: [IRCTag(key: "c"), IRCTag(key: "h"), IRCTag(key: "a", value: "b")],
              source: "quux", command: "AB", params: ["cd"]),
    ParseCase("@tag1=value1;tag2;vendor1/tag3=value2;vendor2/tag4= :irc.example.com COMMAND param1 param2 :param3 param3",
              tags: [IRCTag(key: "tag1", value: "value1"), IRCTag(key: "tag2"), IRCTag(key: "vendor1/tag3", value: "value2"),
                     IRCTag(key: "vendor2/tag4")],
              source: "irc.example.com", command: "COMMAND", params: ["param1", "param2", "param3 param3"]),
    ParseCase(#"@foo=\\\\\:\\s\s\r\n COMMAND"#, tags: [IRCTag(key: "foo", value: "\\\\;\\s \r\n")], command: "COMMAND"),
    ParseCase(#"@tag1=value\\ntest COMMAND"#, tags: [IRCTag(key: "tag1", value: #"value\ntest"#)], command: "COMMAND"),
    ParseCase(#"@tag1=value\1 COMMAND"#, tags: [IRCTag(key: "tag1", value: "value1")], command: "COMMAND"),
    ParseCase(#"@tag1=value1\ COMMAND"#, tags: [IRCTag(key: "tag1", value: "value1")], command: "COMMAND"),
    ParseCase("@tag1=1;tag2=3;tag3=4;tag1=5;vendor/tag2=8 COMMAND",
              tags: [IRCTag(key: "tag1", value: "5"), IRCTag(key: "tag2", value: "3"), IRCTag(key: "tag3", value: "4"),
                     IRCTag(key: "vendor/tag2", value: "8")],
              command: "COMMAND"),
    ParseCase("@+example.com/typing=active;+draft/reply=abc TAGMSG #chan",
              tags: [IRCTag(key: "+example.com/typing", value: "active"), IRCTag(key: "+draft/reply", value: "abc")],
              command: "TAGMSG", params: ["#chan"]),
    ParseCase("@a=1;;b=2; PING", tags: [IRCTag(key: "a", value: "1"), IRCTag(key: "b", value: "2")], command: "PING"),
    ParseCase("@time=2011-10-19T16:40:51.620Z;msgid=a=b PING", tags: [
        IRCTag(key: "time", value: "2011-10-19T16:40:51.620Z"), IRCTag(key: "msgid", value: "a=b"),
    ], command: "PING"),
    // last-param forms, spaces
    ParseCase(":src JOIN #chan", source: "src", command: "JOIN", params: ["#chan"]),
    ParseCase(":src JOIN :#chan", source: "src", command: "JOIN", params: ["#chan"]),
    ParseCase(":src AWAY", source: "src", command: "AWAY"),
    ParseCase(":src AWAY ", source: "src", command: "AWAY"),
    ParseCase(":cool\tguy foo bar baz", source: "cool\tguy", command: "FOO", params: ["bar", "baz"]),
    ParseCase(":coolguy!ag@net\u{03}5w\u{03}ork.admin PRIVMSG foo :bar baz", source: "coolguy!ag@net\u{03}5w\u{03}ork.admin",
              command: "PRIVMSG", params: ["foo", "bar baz"]),
    ParseCase(":gravel.mozilla.org 432  #momo :Erroneous Nickname: Illegal characters", source: "gravel.mozilla.org",
              command: "432", params: ["#momo", "Erroneous Nickname: Illegal characters"]),
    ParseCase(":services.esper.net MODE #foo-bar +o foobar  ", source: "services.esper.net", command: "MODE",
              params: ["#foo-bar", "+o", "foobar"]),
    ParseCase(":SomeOp MODE #channel +oo SomeUser :AnotherUser", source: "SomeOp", command: "MODE",
              params: ["#channel", "+oo", "SomeUser", "AnotherUser"]),
    ParseCase("@a=b   :src   PRIVMSG   #chan   :hi  there", tags: [IRCTag(key: "a", value: "b")], source: "src",
              command: "PRIVMSG", params: ["#chan", "hi  there"]),
    ParseCase("  PING x", command: "PING", params: ["x"]),
    // commands: lower case, numerics
    ParseCase("COMMAND", command: "COMMAND"),
    ParseCase("privmsg #chan :hi", command: "PRIVMSG", params: ["#chan", "hi"]),
    ParseCase("NiCk dan", command: "NICK", params: ["dan"]),
    ParseCase(":irc.example.com 001 dan :Welcome to the Example Network, dan", source: "irc.example.com",
              command: "001", params: ["dan", "Welcome to the Example Network, dan"]),
    // UTF-8 passes through untouched
    ParseCase("PRIVMSG #café :héllo wörld 👍", command: "PRIVMSG", params: ["#café", "héllo wörld 👍"]),
    // exactly 15 parameters, the last trailing
    ParseCase("CMD 1 2 3 4 5 6 7 8 9 10 11 12 13 14 :15 and more", command: "CMD",
              params: (1...14).map(String.init) + ["15 and more"]),
]

/// A malformed line and the error code it must produce.
struct MalformedCase: Sendable, CustomTestStringConvertible {
    let line: String
    let code: IRCParseError.Code

    init(_ line: String, _ code: IRCParseError.Code) {
        self.line = line
        self.code = code
    }

    var testDescription: String { "\(line.debugDescription) → \(code)" }
}

let malformedCases: [MalformedCase] = [
    MalformedCase("", .empty),
    MalformedCase("    ", .empty),
    MalformedCase("@a=b", .missingCommand),
    MalformedCase("@a=b   ", .missingCommand),
    MalformedCase(":src", .missingCommand),
    MalformedCase(":src ", .missingCommand),
    MalformedCase("@a=b :src", .missingCommand),
    MalformedCase(": PRIVMSG #chan :hi", .invalidSource),
    MalformedCase(":", .invalidSource),
    MalformedCase("PRIV1MSG", .invalidCommand),
    MalformedCase("PRIV-MSG x", .invalidCommand),
    MalformedCase("12", .invalidCommand),
    MalformedCase("1234 x", .invalidCommand),
    MalformedCase("12a x", .invalidCommand),
    MalformedCase("ÉTÉ x", .invalidCommand),
    MalformedCase(":src :PRIVMSG", .invalidCommand),
    MalformedCase("CMD 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16", .tooManyParameters),
    MalformedCase("CMD 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 :16", .tooManyParameters),
    MalformedCase("@ PING", .invalidTags),
    MalformedCase("@; PING", .invalidTags),
    MalformedCase("@=v PING", .invalidTags),
    MalformedCase("@+ PING", .invalidTags),
    MalformedCase("@+=x PING", .invalidTags),
    MalformedCase("@vendor/ PING", .invalidTags),
    MalformedCase("@/tag PING", .invalidTags),
    MalformedCase("@a.b=1 PING", .invalidTags),
    MalformedCase("@a/b/c PING", .invalidTags),
    MalformedCase("@k_y=1 PING", .invalidTags),
    MalformedCase("@ok=1;bäd=1 PING", .invalidTags),
    MalformedCase("PRIVMSG #chan :hi\u{0}there", .containsControlCharacter),
    MalformedCase("PRIVMSG #chan :hi\r", .containsControlCharacter),
    MalformedCase("PRIVMSG #chan :hi\nQUIT", .containsControlCharacter),
    MalformedCase("\r", .containsControlCharacter),
]

@Suite("Parsing IRC lines")
struct IRCMessageParsingTests {
    @Test("parses to the expected parts", arguments: parseCases)
    func parsesLine(_ testCase: ParseCase) throws {
        let message = try IRCMessage(parsing: testCase.line.utf8)
        #expect(message == testCase.expected)
        #expect(message.isWellFormed)
    }

    @Test("parses the same from a ByteBuffer, an Array and a String's UTF-8", arguments: parseCases)
    func parsesFromEveryByteSource(_ testCase: ParseCase) throws {
        let fromBuffer = try IRCMessage(parsing: ByteBuffer(string: testCase.line))
        let fromArray = try IRCMessage(parsing: Array(testCase.line.utf8))
        let fromLazy = try IRCMessage(parsing: testCase.line.utf8.lazy.map { $0 })
        #expect(fromBuffer == testCase.expected)
        #expect(fromArray == testCase.expected)
        #expect(fromLazy == testCase.expected)
    }

    @Test("reads back what it parsed after serializing", arguments: parseCases)
    func parsedMessagesRoundTrip(_ testCase: ParseCase) throws {
        let message = try IRCMessage(parsing: testCase.line.utf8)
        #expect(try IRCMessage(parsing: message.serialized.utf8) == message)
    }

    @Test("refuses malformed lines with a specific code", arguments: malformedCases)
    func refusesMalformedLine(_ testCase: MalformedCase) {
        let error = #expect(throws: IRCParseError.self) {
            try IRCMessage(parsing: testCase.line.utf8)
        }
        #expect(error?.code == testCase.code, "\(String(describing: error))")
    }

    @Test func errorsAreEqualByCodeOnly() {
        #expect(IRCParseError(.empty, reason: "one") == IRCParseError(.empty, reason: "two"))
        #expect(IRCParseError(.empty, reason: "one") != IRCParseError(.invalidTags, reason: "one"))
        #expect(Set([IRCParseError(.empty, reason: "a"), IRCParseError(.empty, reason: "b")]).count == 1)
    }

    @Test func errorDescriptionNamesCodeAndReason() {
        let error = IRCParseError(.invalidCommand, reason: "'12' is neither letters nor a three-digit numeric")
        #expect(error.description.hasPrefix("IRCParseError.invalidCommand: '12' is neither letters"))
        #expect(error.description.hasSuffix("(IRCTests/IRCMessageParsingTests.swift:\(error.line))"))
    }

    @Test func otherControlBytesAreKeptOnlyNULCRAndLFAreRefused() throws {
        // CTCP's \u{1}, tab, vertical tab, form feed, bell and color codes are text.
        let text = "\u{1}ACTION\tw\u{B}a\u{C}v\u{7}e\u{3}4s\u{1}"
        #expect(try IRCMessage(parsing: Array("PRIVMSG #a :\(text)".utf8)).params == ["#a", text])
        for (offset, byte) in [(14, UInt8(0)), (12, 10), (20, 13)] {
            var line = Array("PRIVMSG #a :0123456789".utf8)
            line.insert(byte, at: offset)
            do {
                _ = try IRCMessage(parsing: line)
                Issue.record("byte \(byte) at offset \(offset) was accepted")
            } catch {
                #expect(error.code == .containsControlCharacter)
                #expect(error.reason.contains("at offset \(offset)"))
            }
        }
    }

    @Test func invalidUTF8IsReplacedNotRefused() throws {
        let message = try IRCMessage(parsing: Array("PRIVMSG #a :x".utf8) + [0xFF])
        #expect(message.params == ["#a", "x\u{FFFD}"])
    }

    @Test func thousandsOfTinyDistinctTagsParseWithinTheTagLimit() throws {
        // Up to 8191 bytes of "a;b;…" is a legal tag section; deduplication must not
        // go quadratic on it.
        let alphabet = Array("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
        var keys: [String] = alphabet.map { String($0) }
        for first in alphabet { for second in alphabet { keys.append(String([first, second])) } }
        var section = "@"
        var used = 0
        for key in keys where section.utf8.count + key.utf8.count + 2 <= IRCLimits.maxTagSectionBytes {
            section += (used == 0 ? "" : ";") + key
            used += 1
        }
        let message = try IRCMessage(parsing: (section + " PING").utf8)
        #expect(message.tags.count == used)
        #expect(used > 2000)
    }
}
