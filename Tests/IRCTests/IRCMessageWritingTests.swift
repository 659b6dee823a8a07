import IRC
import NIOCore
import TestSupport
import Testing

/// A message and its exact wire form (without `\r\n`).
struct WriteCase: Sendable, CustomTestStringConvertible {
    let message: IRCMessage
    let wire: String

    var testDescription: String { wire.debugDescription }
}

let writeCases: [WriteCase] = [
    WriteCase(message: IRCMessage(command: "PING"), wire: "PING"),
    WriteCase(message: IRCMessage(command: "PING", params: ["token"]), wire: "PING token"),
    WriteCase(message: IRCMessage(source: "dan!d@localhost", command: "PRIVMSG", params: ["#chan", "Hey!"]),
              wire: ":dan!d@localhost PRIVMSG #chan Hey!"),
    WriteCase(message: IRCMessage(source: "dan!d@localhost", command: "PRIVMSG", params: ["#chan", "Hey what's up!"]),
              wire: ":dan!d@localhost PRIVMSG #chan :Hey what's up!"),
    WriteCase(message: IRCMessage(command: "PRIVMSG", params: ["#chan", ":-)"]), wire: "PRIVMSG #chan ::-)"),
    WriteCase(message: IRCMessage(command: "CAP", params: ["*", "LIST", ""]), wire: "CAP * LIST :"),
    WriteCase(message: IRCMessage(command: "TOPIC", params: ["#chan", " leading space"]), wire: "TOPIC #chan : leading space"),
    WriteCase(message: IRCMessage(command: "TOPIC", params: ["#chan", "trailing "]), wire: "TOPIC #chan :trailing "),
    WriteCase(message: IRCMessage(command: "MODE", params: ["#chan", "+o", "dan"]), wire: "MODE #chan +o dan"),
    WriteCase(message: IRCMessage(source: "irc.example.com", numeric: .RPL_WELCOME, params: ["dan", "Welcome to the Example Network, dan"]),
              wire: ":irc.example.com 001 dan :Welcome to the Example Network, dan"),
    WriteCase(message: IRCMessage(source: "irc.example.com", numeric: .ERR_INPUTTOOLONG, params: ["*", "Input line was too long"]),
              wire: ":irc.example.com 417 * :Input line was too long"),
    WriteCase(message: IRCMessage(tags: ["time": "2011-10-19T16:40:51.620Z"], source: "dan", command: "PRIVMSG", params: ["#c", "hi"]),
              wire: "@time=2011-10-19T16:40:51.620Z :dan PRIVMSG #c hi"),
    WriteCase(message: IRCMessage(tags: ["+typing": "active", "bot": nil, "empty": ""], command: "TAGMSG", params: ["#c"]),
              wire: "@+typing=active;bot;empty TAGMSG #c"),
    WriteCase(message: IRCMessage(tags: ["a": "b;c d\\e\rf\ng"], command: "PING"), wire: #"@a=b\:c\sd\\e\rf\ng PING"#),
    WriteCase(message: IRCMessage(tags: ["a": ";;  \\\\"], command: "PING"), wire: #"@a=\:\:\s\s\\\\ PING"#),
    WriteCase(message: IRCMessage(tags: ["example.com/x": "ü=ok"], command: "PING"), wire: "@example.com/x=ü=ok PING"),
]

@Suite("Writing IRC messages")
struct IRCMessageWritingTests {
    @Test("writes the expected wire form", arguments: writeCases)
    func writesWireForm(_ testCase: WriteCase) throws {
        #expect(testCase.message.serialized == testCase.wire)
        #expect(testCase.message.isWellFormed)
        #expect(try IRCMessage(parsing: testCase.wire.utf8) == testCase.message)
    }

    @Test func writeAppendsTheLineAndItsCRLFAfterExistingBytes() {
        var buffer = ByteBuffer(string: "PONG x\r\n")
        IRCMessage(command: "PING", params: ["a b"]).write(into: &buffer)
        IRCMessage(command: "PING", params: ["c"]).write(into: &buffer)
        #expect(String(buffer: buffer) == "PONG x\r\nPING :a b\r\nPING c\r\n")
    }

    @Test func descriptionIsTheSerializedLine() {
        let message = IRCMessage(source: "s", command: "NOTICE", params: ["*", "hello there"])
        #expect("\(message)" == ":s NOTICE * :hello there")
    }

    @Test("well-formedness catches what the wire cannot carry", arguments: [
        IRCMessage(command: "privmsg"),
        IRCMessage(command: "PRIV MSG"),
        IRCMessage(command: "12"),
        IRCMessage(command: ""),
        IRCMessage(source: "", command: "PING"),
        IRCMessage(source: "a b", command: "PING"),
        IRCMessage(command: "PRIVMSG", params: ["two words", "x"]),
        IRCMessage(command: "PRIVMSG", params: ["", "x"]),
        IRCMessage(command: "PRIVMSG", params: [":x", "x"]),
        IRCMessage(command: "PRIVMSG", params: ["#c", "line\r\nQUIT"]),
        IRCMessage(command: "PRIVMSG", params: ["#c", "nul\u{0}"]),
        IRCMessage(command: "CMD", params: (1...16).map(String.init)),
        IRCMessage(tags: ["bad key": "x"], command: "PING"),
        IRCMessage(tags: ["k": "nul\u{0}"], command: "PING"),
    ])
    func illFormedMessagesAreFlagged(_ message: IRCMessage) {
        #expect(!message.isWellFormed)
    }

    @Test("random well-formed messages survive a round trip", arguments: 0..<4)
    func randomMessagesRoundTrip(seed: UInt64) throws {
        var generator = SplitMix64(seed: seed)
        for _ in 0..<250 {
            let message = MessageFuzzer.message(using: &generator)
            try #require(message.isWellFormed, "\(message.params)")
            var buffer = ByteBuffer()
            message.write(into: &buffer)
            let slice = buffer.readSlice(length: buffer.readableBytes - 2)
            let wire = try #require(slice)
            #expect(buffer.readableBytesView.elementsEqual("\r\n".utf8))
            #expect(try IRCMessage(parsing: wire) == message)
        }
    }
}

/// Builds well-formed messages whose text is rich in the characters that need care:
/// spaces, colons, semicolons, backslashes, CR/LF (in tag values), non-ASCII.
enum MessageFuzzer {
    static let textPieces = ["a", "Z", "0", " ", ":", ";", "\\", "=", "@", "!", "é", "日本", "👍", "\t", "#", ","]
    static let tagValuePieces = textPieces + ["\r", "\n", "\\s", "\\:"]
    static let keys = ["a", "time", "msgid", "+typing", "+draft/reply", "example.com/x-y", "batch", "label"]
    static let commands = ["PRIVMSG", "NOTICE", "JOIN", "MODE", "001", "433", "TAGMSG", "X"]

    static func text(_ pieces: [String], maxPieces: Int, using generator: inout SplitMix64) -> String {
        (0..<Int.random(in: 0...maxPieces, using: &generator)).map { _ in pieces.randomElement(using: &generator)! }.joined()
    }

    static func middle(using generator: inout SplitMix64) -> String {
        var param = text(textPieces.filter { $0 != " " }, maxPieces: 6, using: &generator)
        if param.isEmpty || param.hasPrefix(":") { param = "p" + param }
        return param
    }

    static func message(using generator: inout SplitMix64) -> IRCMessage {
        var tags = IRCTags()
        for _ in 0..<Int.random(in: 0...4, using: &generator) {
            let value = Bool.random(using: &generator) ? text(tagValuePieces, maxPieces: 8, using: &generator) : nil
            tags.set(keys.randomElement(using: &generator)!, to: value)
        }
        let source: IRCSource? = Bool.random(using: &generator) ? IRCSource(nick: "n\(generator.next() % 100)", user: "u", host: "h.example") : nil
        let count = Int.random(in: 0...IRCLimits.maxParameters, using: &generator)
        var params = (0..<max(0, count - 1)).map { _ in middle(using: &generator) }
        if count > 0 {
            params.append(text(textPieces, maxPieces: 10, using: &generator))
        }
        return IRCMessage(tags: tags, source: source, command: commands.randomElement(using: &generator)!, params: params)
    }
}
