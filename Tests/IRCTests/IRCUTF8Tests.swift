import IRC
import NIOCore
import Testing

@Suite("UTF-8 validation")
struct IRCUTF8Tests {
    @Test("accepts well-formed UTF-8", arguments: [
        "", "PRIVMSG #c :hello", "héllo", "日本語", "👍🏽", "Ω≈ç√∫",
        String(repeating: "a", count: 100) + "é" + String(repeating: "b", count: 7),
        String(repeating: "é", count: 50), "\u{7F}", "\u{80}", "\u{7FF}", "\u{800}", "\u{FFFF}", "\u{10000}", "\u{10FFFF}",
    ])
    func acceptsValid(text: String) {
        #expect(IRCMessage.isValidUTF8(text.utf8))
        #expect(IRCMessage.isValidUTF8(Array(text.utf8)))
        #expect(IRCMessage.isValidUTF8(ByteBuffer(string: text)))
    }

    @Test("refuses malformed UTF-8", arguments: [
        [0x80],  // stray continuation byte
        [0xBF],
        [0xC3],  // truncated two-byte sequence
        [0xC0, 0xAF],  // overlong '/'
        [0xC1, 0xBF],  // overlong
        [0xE0, 0x80, 0xAF],  // overlong three-byte
        [0xE2, 0x82],  // truncated three-byte
        [0xED, 0xA0, 0x80],  // UTF-16 surrogate U+D800
        [0xED, 0xBF, 0xBF],  // surrogate U+DFFF
        [0xF0, 0x80, 0x80, 0xAF],  // overlong four-byte
        [0xF4, 0x90, 0x80, 0x80],  // past U+10FFFF
        [0xF5, 0x80, 0x80, 0x80],
        [0xFE], [0xFF],
        [0xC3, 0x41],  // lead byte followed by ASCII
    ] as [[UInt8]])
    func refusesInvalid(bytes: [UInt8]) {
        #expect(!IRCMessage.isValidUTF8(bytes))
        // Also when the bad bytes follow a run long enough for the word-at-a-time path,
        // and when valid text follows them.
        let prefixed = Array(String(repeating: "x", count: 21).utf8) + bytes + Array("é ok".utf8)
        #expect(!IRCMessage.isValidUTF8(prefixed))
        var buffer = ByteBuffer()
        buffer.writeBytes(prefixed)
        #expect(!IRCMessage.isValidUTF8(buffer))
    }

    @Test func checksOnlyTheReadableBytesOfABuffer() {
        var buffer = ByteBuffer(bytes: [0xFF, 0xFF] + Array("PING".utf8))
        #expect(!IRCMessage.isValidUTF8(buffer))
        buffer.moveReaderIndex(forwardBy: 2)
        #expect(IRCMessage.isValidUTF8(buffer))
    }
}
