/// What the terminal should do after the editor handled a key.
enum EditorAction: Equatable, Sendable {
    /// Nothing changed; nothing to draw.
    case none
    /// The user entered this line; the buffer is now empty.
    case submit(String)
    /// Ctrl-D on an empty line: the user wants to leave.
    case end
    /// The buffer or the cursor changed; draw the input line again.
    case redraw
    /// Ctrl-L: clear the screen, then draw the input line.
    case clearScreen
}

/// The input line being edited: its text, the cursor, and the lines entered before.
///
/// A pure value: ``apply(_:)`` changes it and says what to draw, so every editing rule is
/// tested without a terminal. The cursor counts grapheme clusters, so one press of Left moves
/// over "é" or "👩‍💻" whole, whatever their number of scalars or bytes.
///
/// History browsing keeps the draft: Up from a half-typed line saves it, and Down past the
/// newest entry brings it back. A recalled entry can be edited and entered; edits to it are
/// dropped when the user browses on, and the entry itself never changes.
struct LineEditor: Sendable {
    /// The text being edited.
    private(set) var text: String = ""
    /// The cursor, in grapheme clusters from the start of ``text`` (0...text.count).
    private(set) var cursor: Int = 0
    /// Entered lines, oldest first, at most ``historyLimit`` of them.
    private(set) var history: [String] = []
    /// The history entry shown, or nil while editing the draft.
    private(set) var historyIndex: Int?
    /// The line being typed before browsing history started.
    private var draft: String = ""

    let historyLimit: Int

    init(historyLimit: Int = 500) {
        precondition(historyLimit >= 0, "history limit must not be negative")
        self.historyLimit = historyLimit
    }

    /// Builds an editor in a given state; for tests and for restoring a line.
    init(text: String, cursor: Int? = nil, history: [String] = [], historyLimit: Int = 500) {
        self.init(historyLimit: historyLimit)
        self.text = text
        self.cursor = min(max(cursor ?? text.count, 0), text.count)
        self.history = Array(history.suffix(historyLimit))
    }

    /// Handles one key; returns what to draw or do next.
    mutating func apply(_ key: TerminalKey) -> EditorAction {
        switch key {
        case .text(let typed): return self.insert(typed)
        case .paste(let pasted): return self.insert(pasted, keepingLineBreaks: true)
        case .enter: return self.submit()
        case .tab: return .none
        case .backspace: return self.deleteBackward(count: 1)
        case .delete: return self.deleteForward()
        case .left: return self.moveCursor(to: self.cursor - 1)
        case .right: return self.moveCursor(to: self.cursor + 1)
        case .home: return self.moveCursor(to: 0)
        case .end: return self.moveCursor(to: self.text.count)
        case .wordLeft: return self.moveCursor(to: self.startOfWord(before: self.cursor))
        case .wordRight: return self.moveCursor(to: self.endOfWord(after: self.cursor))
        case .up: return self.browseHistory(by: -1)
        case .down: return self.browseHistory(by: 1)
        case .deleteWordBackward: return self.deleteBackward(count: self.cursor - self.startOfWord(before: self.cursor))
        case .deleteToEnd: return self.replace(self.cursor..<self.text.count, with: "", cursorAfter: self.cursor)
        case .deleteToStart: return self.replace(0..<self.cursor, with: "", cursorAfter: 0)
        case .interrupt:
            self.historyIndex = nil
            self.draft = ""
            return self.replace(0..<self.text.count, with: "", cursorAfter: 0)
        case .endOfInput:
            if self.text.isEmpty { return .end }
            return self.deleteForward()
        case .clearScreen: return .clearScreen
        }
    }

    // MARK: - Editing

    /// The lines of the text: more than 1 after a paste of several lines.
    var lineCount: Int { self.text.reduce(1) { $0 + ($1 == "\n" ? 1 : 0) } }

    private mutating func insert(_ typed: String, keepingLineBreaks: Bool = false) -> EditorAction {
        var clean = ""
        clean.unicodeScalars.append(
            contentsOf: typed.unicodeScalars.filter {
                ($0.value >= 0x20 && !(0x7F..<0xA0).contains($0.value)) || (keepingLineBreaks && $0 == "\n")
            }
        )
        guard !clean.isEmpty else { return .none }
        let before = String(self.text.prefix(self.cursor)) + clean
        // A combining mark typed after a letter joins it: count graphemes after the join.
        return self.replace(self.cursor..<self.cursor, with: clean, cursorAfter: before.count)
    }

    private mutating func deleteBackward(count: Int) -> EditorAction {
        guard count > 0, self.cursor > 0 else { return .none }
        let start = max(self.cursor - count, 0)
        return self.replace(start..<self.cursor, with: "", cursorAfter: start)
    }

    private mutating func deleteForward() -> EditorAction {
        guard self.cursor < self.text.count else { return .none }
        return self.replace(self.cursor..<(self.cursor + 1), with: "", cursorAfter: self.cursor)
    }

    /// Replaces the graphemes in `range` (grapheme offsets); `.none` when nothing changes.
    private mutating func replace(_ range: Range<Int>, with replacement: String, cursorAfter: Int) -> EditorAction {
        guard !range.isEmpty || !replacement.isEmpty else { return .none }
        let lower = self.text.index(self.text.startIndex, offsetBy: range.lowerBound)
        let upper = self.text.index(lower, offsetBy: range.count)
        self.text.replaceSubrange(lower..<upper, with: replacement)
        self.cursor = min(max(cursorAfter, 0), self.text.count)
        return .redraw
    }

    private mutating func moveCursor(to position: Int) -> EditorAction {
        let clamped = min(max(position, 0), self.text.count)
        guard clamped != self.cursor else { return .none }
        self.cursor = clamped
        return .redraw
    }

    private mutating func submit() -> EditorAction {
        let line = self.text
        self.text = ""
        self.cursor = 0
        self.draft = ""
        self.historyIndex = nil
        guard !line.isEmpty else { return .none }
        self.remember(line)
        return .submit(line)
    }

    // MARK: - Words

    /// Words are separated by whitespace, as Ctrl-W does in a shell: skip the spaces just
    /// before `position`, then the non-spaces before those.
    private func startOfWord(before position: Int) -> Int {
        let characters = Array(self.text)
        var index = position
        while index > 0 && characters[index - 1].isWhitespace { index -= 1 }
        while index > 0 && !characters[index - 1].isWhitespace { index -= 1 }
        return index
    }

    /// The end of the word at or after `position`: skip spaces, then non-spaces.
    private func endOfWord(after position: Int) -> Int {
        let characters = Array(self.text)
        var index = position
        while index < characters.count && characters[index].isWhitespace { index += 1 }
        while index < characters.count && !characters[index].isWhitespace { index += 1 }
        return index
    }

    // MARK: - History

    private mutating func remember(_ line: String) {
        guard self.historyLimit > 0, !line.allSatisfy(\.isWhitespace), self.history.last != line else { return }
        self.history.append(line)
        if self.history.count > self.historyLimit {
            self.history.removeFirst(self.history.count - self.historyLimit)
        }
    }

    /// Moves through history: -1 is older (Up), +1 is newer (Down).
    private mutating func browseHistory(by step: Int) -> EditorAction {
        let current = self.historyIndex ?? self.history.count
        let target = current + step
        guard target >= 0, target <= self.history.count, target != current else { return .none }
        if self.historyIndex == nil { self.draft = self.text }
        if target == self.history.count {
            self.historyIndex = nil
            self.text = self.draft
        } else {
            self.historyIndex = target
            self.text = self.history[target]
        }
        self.cursor = self.text.count
        return .redraw
    }
}
