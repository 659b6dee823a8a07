import Testing

@testable import ChatClient

@Suite struct TerminalLineEditorTests {
    /// A buffer written with `|` at the cursor, e.g. "ab|c".
    private static func editor(_ marked: String, history: [String] = []) -> LineEditor {
        let parts = marked.split(separator: "|", maxSplits: 1, omittingEmptySubsequences: false)
        let text = parts.joined()
        return LineEditor(text: text, cursor: parts[0].count, history: history)
    }

    private static func marked(_ editor: LineEditor) -> String {
        let characters = Array(editor.text)
        return String(characters[0..<editor.cursor]) + "|" + String(characters[editor.cursor...])
    }

    @Test(arguments: [
        // Insertion and cursor movement.
        ("|", TerminalKey.text("a"), "a|", EditorAction.redraw),
        ("ab|cd", .text("X"), "abX|cd", .redraw),
        ("e|", .text("\u{301}"), "é|", .redraw),  // a combining mark joins the letter before it
        ("ab|c", .left, "a|bc", .redraw),
        ("|abc", .left, "|abc", EditorAction.none),
        ("ab|c", .right, "abc|", .redraw),
        ("abc|", .right, "abc|", EditorAction.none),
        ("ab|c", .home, "|abc", .redraw),
        ("a|bc", .end, "abc|", .redraw),
        // Graphemes move and delete whole.
        ("é👩‍💻中|", .left, "é👩‍💻|中", .redraw),
        ("é👩‍💻|中", .left, "é|👩‍💻中", .redraw),
        ("é|👩‍💻中", .right, "é👩‍💻|中", .redraw),
        ("é👩‍💻|中", .backspace, "é|中", .redraw),
        ("é|👩‍💻中", .delete, "é|中", .redraw),
        ("e\u{301}|x", .backspace, "|x", .redraw),
        ("🇫🇷|", .backspace, "|", .redraw),
        // Deletion.
        ("ab|c", .backspace, "a|c", .redraw),
        ("|abc", .backspace, "|abc", EditorAction.none),
        ("ab|c", .delete, "ab|", .redraw),
        ("abc|", .delete, "abc|", EditorAction.none),
        ("ab|cd", .deleteToEnd, "ab|", .redraw),
        ("ab|cd", .deleteToStart, "|cd", .redraw),
        // Ctrl-W: spaces first, then the word before them.
        ("hello world|", .deleteWordBackward, "hello |", .redraw),
        ("hello world  |", .deleteWordBackward, "hello |", .redraw),
        ("hello wo|rld", .deleteWordBackward, "hello |rld", .redraw),
        ("/msg alice|", .deleteWordBackward, "/msg |", .redraw),
        ("a/b/c|", .deleteWordBackward, "|", .redraw),
        ("  |", .deleteWordBackward, "|", .redraw),
        ("|abc", .deleteWordBackward, "|abc", EditorAction.none),
        ("héllo 中文|", .deleteWordBackward, "héllo |", .redraw),
        // Word movement.
        ("one two three|", .wordLeft, "one two |three", .redraw),
        ("one |two three", .wordRight, "one two| three", .redraw),
        // Ctrl-C clears, Ctrl-D leaves only on an empty line.
        ("some t|ext", .interrupt, "|", .redraw),
        ("|", .interrupt, "|", EditorAction.none),
        ("|", .endOfInput, "|", .end),
        ("a|bc", .endOfInput, "a|c", .redraw),
        ("abc|", .endOfInput, "abc|", EditorAction.none),
        // Keys that change nothing in the buffer.
        ("ab|", .tab, "ab|", EditorAction.none),
        ("ab|", .clearScreen, "ab|", .clearScreen),
        // Control characters never enter the buffer.
        ("|", .text("a\u{1B}[31mb"), "a[31mb|", .redraw),
    ] as [(String, TerminalKey, String, EditorAction)])
    func keyOnBuffer(before: String, key: TerminalKey, after: String, action: EditorAction) {
        var editor = Self.editor(before)
        #expect(editor.apply(key) == action)
        #expect(Self.marked(editor) == after)
    }

    @Test func enterSubmitsTheWholeLineWhereverTheCursorIs() {
        var editor = Self.editor("hel|lo")
        #expect(editor.apply(.enter) == .submit("hello"))
        #expect(Self.marked(editor) == "|")
        #expect(editor.history == ["hello"])
    }

    @Test func enterOnAnEmptyLineSubmitsNothing() {
        var editor = LineEditor()
        #expect(editor.apply(.enter) == .none)
        #expect(editor.history.isEmpty)
    }

    @Test func historyBrowsingKeepsTheDraft() {
        var editor = Self.editor("draft|", history: ["first", "second"])
        #expect(editor.apply(.up) == .redraw)
        #expect(Self.marked(editor) == "second|")
        #expect(editor.apply(.up) == .redraw)
        #expect(Self.marked(editor) == "first|")
        #expect(editor.apply(.up) == .none)
        #expect(editor.apply(.down) == .redraw)
        #expect(Self.marked(editor) == "second|")
        #expect(editor.apply(.down) == .redraw)
        #expect(Self.marked(editor) == "draft|")
        #expect(editor.apply(.down) == .none)
    }

    @Test func recalledEntryCanBeEditedAndEnteredWithoutChangingHistory() {
        var editor = LineEditor(text: "", history: ["/join #a"])
        _ = editor.apply(.up)
        _ = editor.apply(.text("b"))
        #expect(editor.apply(.enter) == .submit("/join #ab"))
        #expect(editor.history == ["/join #a", "/join #ab"])
        #expect(editor.historyIndex == nil)
    }

    @Test func historySkipsRepeatsAndBlankLines() {
        var editor = LineEditor()
        for line in ["a", "a", "   ", "b"] {
            _ = editor.apply(.text(line))
            _ = editor.apply(.enter)
        }
        #expect(editor.history == ["a", "b"])
    }

    @Test func historyIsBounded() {
        var editor = LineEditor(historyLimit: 3)
        for index in 1...5 {
            _ = editor.apply(.text("line \(index)"))
            _ = editor.apply(.enter)
        }
        #expect(editor.history == ["line 3", "line 4", "line 5"])
        #expect(LineEditor().historyLimit == 500)
    }

    @Test func interruptWhileBrowsingReturnsToAnEmptyDraft() {
        var editor = Self.editor("draft|", history: ["old"])
        _ = editor.apply(.up)
        #expect(editor.apply(.interrupt) == .redraw)
        #expect(editor.historyIndex == nil)
        #expect(editor.apply(.down) == .none)
        #expect(editor.apply(.up) == .redraw)
        #expect(editor.apply(.down) == .redraw)
        #expect(editor.text == "")
    }
}
