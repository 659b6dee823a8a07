import Testing

@testable import ChatClient

@Suite struct TerminalKeyDecoderTests {
    private static func decode(_ reads: [[UInt8]]) -> [TerminalKey] {
        var decoder = KeyDecoder()
        return reads.flatMap { decoder.decode($0) }
    }

    /// Feeds `bytes` one byte per read; returns the keys and the decoder as it is after.
    private static func decodeByteByByte(_ bytes: [UInt8]) -> (keys: [TerminalKey], decoder: KeyDecoder) {
        var decoder = KeyDecoder()
        let keys = bytes.flatMap { decoder.decode([$0]) }
        return (keys, decoder)
    }

    private static func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

    @Test(arguments: [
        ("hello", [TerminalKey.text("hello")]),
        ("\r", [.enter]),
        ("\n", [.enter]),
        ("\r\n", [.enter]),
        ("\r\r", [.enter, .enter]),
        ("\u{7F}", [.backspace]),
        ("\u{08}", [.backspace]),
        ("\t", [.tab]),
        ("\u{01}", [.home]),
        ("\u{05}", [.end]),
        ("\u{03}", [.interrupt]),
        ("\u{04}", [.endOfInput]),
        ("\u{0B}", [.deleteToEnd]),
        ("\u{15}", [.deleteToStart]),
        ("\u{17}", [.deleteWordBackward]),
        ("\u{0C}", [.clearScreen]),
        ("\u{10}\u{0E}", [.up, .down]),
        ("\u{1B}[A\u{1B}[B\u{1B}[C\u{1B}[D", [.up, .down, .right, .left]),
        ("\u{1B}OA\u{1B}OB\u{1B}OC\u{1B}OD", [.up, .down, .right, .left]),
        ("\u{1B}[H\u{1B}[F", [.home, .end]),
        ("\u{1B}OH\u{1B}OF", [.home, .end]),
        ("\u{1B}[1~\u{1B}[4~\u{1B}[7~\u{1B}[8~", [.home, .end, .home, .end]),
        ("\u{1B}[3~", [.delete]),
        ("\u{1B}\u{7F}", [.deleteWordBackward]),
        ("\u{1B}[1;5D\u{1B}[1;5C", [.wordLeft, .wordRight]),
        ("\u{1B}b\u{1B}f", [.wordLeft, .wordRight]),
        ("a\u{1B}[Db", [.text("a"), .left, .text("b")]),
        ("é👩‍💻中", [.text("é👩‍💻中")]),
    ] as [(String, [TerminalKey])])
    func decodesOneRead(input: String, expected: [TerminalKey]) {
        #expect(Self.decode([Self.bytes(input)]) == expected)
    }

    @Test(arguments: [
        "\u{1B}[15~",  // F5
        "\u{1B}[2~",  // Insert
        "\u{1B}[1;2P",  // Shift-F1
        "\u{1B}OP",  // F1
        "\u{1B}[?1;2c",  // a device attributes reply
        "\u{1B}x",  // Alt-x, not bound
        "\u{1B}[201~",  // a paste end without a start
        "\u{1F}\u{0F}",  // unbound controls
    ])
    func unknownSequencesAreDroppedWithoutText(input: String) {
        #expect(Self.decode([Self.bytes(input)]) == [])
        #expect(Self.decode([Self.bytes(input + "ok")]) == [.text("ok")])
    }

    @Test func utf8SplitAcrossReadsIsHeldUntilComplete() {
        let (keys, decoder) = Self.decodeByteByByte(Self.bytes("👩‍💻"))
        #expect(keys.map { if case .text(let t) = $0 { t } else { "?" } }.joined() == "👩‍💻")
        #expect(!decoder.isAwaitingMore)

        #expect(Self.decode([[0xC3], [0xA9]]) == [.text("é")])
        #expect(Self.decode([[0xE4, 0xB8], [0xAD]]) == [.text("中")])
    }

    @Test(arguments: [1, 2, 3, 4, 5])
    func escapeSequenceSplitAcrossReadsIsHeldUntilComplete(cut: Int) {
        let sequence = Self.bytes("\u{1B}[1;5C")
        let reads = [Array(sequence[0..<cut]), Array(sequence[cut...])]
        #expect(Self.decode(reads) == [.wordRight])
    }

    @Test func loneEscapeWaitsAndFlushDropsIt() {
        var decoder = KeyDecoder()
        #expect(decoder.decode([0x1B]) == [])
        #expect(decoder.isAwaitingMore)
        #expect(decoder.flush() == [])
        #expect(decoder.decode(Self.bytes("a")) == [.text("a")])
    }

    @Test func escapeThenControlKeepsTheControl() {
        #expect(Self.decode([[0x1B], [0x03]]) == [.interrupt])
        #expect(Self.decode([Self.bytes("\u{1B}\u{1B}[A")]) == [.up])
    }

    @Test func invalidUTF8BecomesReplacementCharacter() {
        #expect(Self.decode([[0xFF, 0x61]]) == [.text("\u{FFFD}a")])
        #expect(Self.decode([[0xC3, 0x61]]) == [.text("\u{FFFD}a")])
        var decoder = KeyDecoder()
        #expect(decoder.decode([0xE4, 0xB8]) == [])
        #expect(decoder.flush() == [.text("\u{FFFD}")])
    }

    @Test func overlongSequenceIsDroppedAndDecodingRecovers() {
        let garbage = Self.bytes("\u{1B}[" + String(repeating: "1;", count: 40) + "A") + Self.bytes("ok")
        let keys = Self.decode([garbage])
        #expect(keys.last == .text("ok"))
        #expect(!keys.contains(.up))
    }

    @Test func bracketedPasteOfSeveralLinesIsOnePasteKeyThatEntersNothing() {
        let paste = Self.bytes("x\u{1B}[200~first line\r\nsecond\tline\rthird\n\r\n\u{1B}[201~y")
        #expect(Self.decode([paste]) == [.text("x"), .paste("first line\nsecond line\nthird"), .text("y")])
        #expect(!Self.decode([paste]).contains(.enter))
    }

    @Test func bracketedPasteOfOneLineIsPlainText() {
        #expect(Self.decode([Self.bytes("x\u{1B}[200~one line\n\u{1B}[201~y")]) == [.text("xone liney")])
    }

    @Test func bracketedPasteSplitAcrossReadsAndMarkerSplitToo() {
        let (keys, decoder) = Self.decodeByteByByte(Self.bytes("\u{1B}[200~héllo\u{1B}[D wörld\u{1B}[201~"))
        // Escape sequences inside a paste are pasted text, so they are dropped, not obeyed.
        #expect(keys == [.text("héllo[D wörld")])
        #expect(!decoder.isInPaste)
    }

    @Test func bracketedPasteControlKeysAreNotObeyed() {
        let paste = Self.bytes("\u{1B}[200~a\u{03}b\u{04}c\u{1B}[201~")
        #expect(Self.decode([paste]) == [.text("abc")])
    }

    @Test func unterminatedPasteIsDeliveredOnFlush() {
        var decoder = KeyDecoder()
        #expect(decoder.decode(Self.bytes("\u{1B}[200~one\ntwo")) == [])
        #expect(decoder.isInPaste)
        #expect(decoder.flush() == [.paste("one\ntwo")])
    }
}
