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

    /// A buffer (cursor marked with `|`), a key, the buffer after it and what the editor asks for.
    struct KeyCase: Sendable, CustomTestStringConvertible {
        let before: String
        let key: TerminalKey
        let after: String
        let action: EditorAction

        init(_ before: String, _ key: TerminalKey, _ after: String, _ action: EditorAction) {
            (self.before, self.key, self.after, self.action) = (before, key, after, action)
        }

        var testDescription: String { "\(self.before.debugDescription) \(self.key) → \(self.after.debugDescription) \(self.action)" }
    }

    @Test(arguments: [
        // Insertion and cursor movement.
        KeyCase("|", .text("a"), "a|", .redraw),
        KeyCase("ab|cd", .text("X"), "abX|cd", .redraw),
        KeyCase("e|", .text("\u{301}"), "é|", .redraw),  // a combining mark joins the letter before it
        KeyCase("ab|c", .left, "a|bc", .redraw),
        KeyCase("|abc", .left, "|abc", .none),
        KeyCase("ab|c", .right, "abc|", .redraw),
        KeyCase("abc|", .right, "abc|", .none),
        KeyCase("ab|c", .home, "|abc", .redraw),
        KeyCase("a|bc", .end, "abc|", .redraw),
        // Graphemes move and delete whole.
        KeyCase("é👩‍💻中|", .left, "é👩‍💻|中", .redraw),
        KeyCase("é👩‍💻|中", .left, "é|👩‍💻中", .redraw),
        KeyCase("é|👩‍💻中", .right, "é👩‍💻|中", .redraw),
        KeyCase("é👩‍💻|中", .backspace, "é|中", .redraw),
        KeyCase("é|👩‍💻中", .delete, "é|中", .redraw),
        KeyCase("e\u{301}|x", .backspace, "|x", .redraw),
        KeyCase("🇫🇷|", .backspace, "|", .redraw),
        // Deletion.
        KeyCase("ab|c", .backspace, "a|c", .redraw),
        KeyCase("|abc", .backspace, "|abc", .none),
        KeyCase("ab|c", .delete, "ab|", .redraw),
        KeyCase("abc|", .delete, "abc|", .none),
        KeyCase("ab|cd", .deleteToEnd, "ab|", .redraw),
        KeyCase("ab|cd", .deleteToStart, "|cd", .redraw),
        // Ctrl-W: spaces first, then the word before them.
        KeyCase("hello world|", .deleteWordBackward, "hello |", .redraw),
        KeyCase("hello world  |", .deleteWordBackward, "hello |", .redraw),
        KeyCase("hello wo|rld", .deleteWordBackward, "hello |rld", .redraw),
        KeyCase("/msg alice|", .deleteWordBackward, "/msg |", .redraw),
        KeyCase("a/b/c|", .deleteWordBackward, "|", .redraw),
        KeyCase("  |", .deleteWordBackward, "|", .redraw),
        KeyCase("|abc", .deleteWordBackward, "|abc", .none),
        KeyCase("héllo 中文|", .deleteWordBackward, "héllo |", .redraw),
        // Word movement.
        KeyCase("one two three|", .wordLeft, "one two |three", .redraw),
        KeyCase("one |two three", .wordRight, "one two| three", .redraw),
        // Ctrl-C clears, Ctrl-D leaves only on an empty line.
        KeyCase("some t|ext", .interrupt, "|", .redraw),
        KeyCase("|", .interrupt, "|", .none),
        KeyCase("|", .endOfInput, "|", .end),
        KeyCase("a|bc", .endOfInput, "a|c", .redraw),
        KeyCase("abc|", .endOfInput, "abc|", .none),
        // Keys that change nothing in the buffer.
        KeyCase("ab|", .tab, "ab|", .none),
        KeyCase("ab|", .clearScreen, "ab|", .clearScreen),
        // Control characters never enter the buffer.
        KeyCase("|", .text("a\u{1B}[31mb"), "a[31mb|", .redraw),
    ])
    func keyOnBuffer(_ step: KeyCase) {
        var editor = Self.editor(step.before)
        #expect(editor.apply(step.key) == step.action)
        #expect(Self.marked(editor) == step.after)
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
