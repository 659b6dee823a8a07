import Testing

@testable import ChatClient

@Suite struct TerminalRenderingTests {
    private static func string(_ bytes: [UInt8]) -> String { String(decoding: bytes, as: UTF8.self) }

    @Test(arguments: [
        ("a", 1), ("é", 1), ("e\u{301}", 1), ("中", 2), ("한", 2), ("ｱ", 1), ("Ａ", 2),
        ("👩‍💻", 2), ("🇫🇷", 2), ("❤️", 2), ("😀", 2), ("\u{200B}", 0), ("\u{7}", 0),
    ] as [(Character, Int)])
    func displayWidthOfOneGrapheme(character: Character, width: Int) {
        #expect(DisplayWidth.of(character) == width)
    }

    @Test(arguments: [
        // prompt, text, cursor, width → visible, cursor column
        ("> ", "hello", 5, 80, "hello", 7),
        ("> ", "hello", 0, 80, "hello", 2),
        ("> ", "", 0, 80, "", 2),
        // 10 columns: 9 usable, 7 after the prompt; the cursor at the end needs its own cell.
        ("> ", "abcdefghij", 10, 10, "efghij", 8),
        ("> ", "abcdefghij", 0, 10, "abcdefg", 2),
        ("> ", "abcdefghij", 3, 10, "abcdefg", 5),
        // Wide characters count two columns and are never cut in half.
        ("> ", "中文字", 3, 80, "中文字", 8),
        ("> ", "中文字符串", 5, 10, "字符串", 8),
        ("> ", "中文字符串", 0, 10, "中文字", 2),
        ("> ", "a中", 1, 5, "中", 2),  // the wide grapheme under the cursor must show whole
        // A prompt wider than half the line is cut.
        ("#averylongchannel> ", "hi", 2, 20, "hi", 11),
    ] as [(String, String, Int, Int, String, Int)])
    func layoutScrollsToKeepTheCursorVisible(
        prompt: String, text: String, cursor: Int, width: Int, visible: String, column: Int
    ) {
        let layout = InputLineRenderer.layout(prompt: prompt, text: text, cursor: cursor, width: width)
        #expect(layout.visible == visible)
        #expect(layout.cursorColumn == column)
        #expect(DisplayWidth.of(layout.prompt + layout.visible) < max(width, 2))
    }

    @Test func renderWritesPromptTextEraseAndCursorMove() {
        let bytes = InputLineRenderer.render(prompt: "#lobby> ", text: "héllo 中", cursor: 2, width: 80)
        #expect(Self.string(bytes) == "\r#lobby> héllo 中\u{1B}[K\r\u{1B}[10C")
    }

    @Test func renderAtColumnZeroWritesNoMove() {
        let bytes = InputLineRenderer.render(prompt: "", text: "abc", cursor: 0, width: 80)
        #expect(Self.string(bytes) == "\rabc\u{1B}[K\r")
    }

    @Test func renderOnANarrowTerminalWithWideCharacters() {
        let bytes = InputLineRenderer.render(prompt: "> ", text: "👩‍💻👩‍💻👩‍💻👩‍💻", cursor: 4, width: 8)
        // 7 usable, 5 after the prompt: two emoji (4 columns) plus the cursor cell.
        #expect(Self.string(bytes) == "\r> 👩‍💻👩‍💻\u{1B}[K\r\u{1B}[6C")
    }

    @Test func messageArrivingWhileTypingClearsWritesAndRedrawsTheSameInputLine() {
        let screen = TerminalScreen(prompt: "#lobby> ", width: 40)
        let editor = LineEditor(text: "half typed", cursor: 4)
        let inputLine = screen.inputLine(editor)
        let bytes = screen.show("<alice> hello there", editing: editor)
        #expect(Self.string(bytes) == "\r\u{1B}[2K<alice> hello there\r\n" + Self.string(inputLine))
        #expect(Self.string(inputLine) == "\r#lobby> half typed\u{1B}[K\r\u{1B}[12C")
    }

    @Test func multiLineMessageGivesEachLineItsOwnRow() {
        let bytes = TerminalScreen.conversationLines("one\ntwo\r\nthree\n")
        #expect(Self.string(bytes) == "one\r\ntwo\r\nthree\r\n")
        #expect(Self.string(TerminalScreen.conversationLines("")) == "\r\n")
    }

    @Test func controlCharactersFromTheNetworkAreMadeVisible() {
        #expect(TerminalScreen.printable("a\u{1B}]0;pwned\u{07}b") == "a^[]0;pwned^Gb")
        #expect(TerminalScreen.printable("x\u{9B}31m\ty\u{7F}") == "x\u{FFFD}31m y^?")
        let screen = TerminalScreen(prompt: "\u{1B}[2J> ", width: 80)
        #expect(Self.string(screen.inputLine(LineEditor())).hasPrefix("\r^[[2J> "))
    }

    @Test func clearScreenHomesThenDrawsTheInputLine() {
        let screen = TerminalScreen(prompt: "> ", width: 80)
        let editor = LineEditor(text: "x")
        #expect(Self.string(screen.clearScreen(editing: editor)) == "\u{1B}[H\u{1B}[2J\r> x\u{1B}[K\r\u{1B}[3C")
    }

    @Test func lineSplitterHandlesCRLFSplitReadsAndAMissingFinalNewline() {
        var splitter = LineSplitter()
        #expect(splitter.append(Array("one\r\ntw".utf8)) == ["one"])
        #expect(splitter.append(Array("o\n\nthr".utf8)) == ["two", ""])
        #expect(splitter.finish() == "thr")
        #expect(splitter.finish() == nil)
    }
}
