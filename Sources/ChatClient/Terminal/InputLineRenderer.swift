/// Draws the input line: the prompt, as much of the buffer as fits, the cursor in place.
///
/// Pure: the same prompt, text, cursor and width always give the same bytes, so a redraw
/// after a message lands exactly where the user left it. The line never reaches the last
/// column, so the terminal never wraps it; text wider than the space left scrolls
/// horizontally, keeping the cursor in view (at the right edge when it is past the window).
enum InputLineRenderer {
    /// The part of the line that is shown, and where the cursor is on screen.
    struct Layout: Equatable, Sendable {
        /// The prompt as shown (cut when it would take more than half the line).
        var prompt: String
        /// The visible slice of the text.
        var visible: String
        /// The cursor's column, counted from 0 at the left edge.
        var cursorColumn: Int
    }

    /// Chooses what to show of `text` with the cursor at grapheme `cursor` on a line
    /// `width` columns wide.
    static func layout(prompt: String, text: String, cursor: Int, width: Int) -> Layout {
        let usable = max(width, 2) - 1  // the last column stays empty
        let shownPrompt = self.prefix(of: prompt, fitting: usable / 2)
        let promptWidth = DisplayWidth.of(shownPrompt)
        let room = usable - promptWidth

        let characters = Array(text)
        let cursor = min(max(cursor, 0), characters.count)
        // The cursor needs a cell of its own: the grapheme under it, or a blank at the end.
        let cursorCell = cursor < characters.count ? max(DisplayWidth.of(characters[cursor]), 1) : 1
        var start = 0
        var widthBeforeCursor = DisplayWidth.of(characters[0..<cursor])
        while start < cursor && widthBeforeCursor + cursorCell > room {
            widthBeforeCursor -= DisplayWidth.of(characters[start])
            start += 1
        }
        let end = DisplayWidth.end(of: characters, from: start, fitting: room)
        return Layout(
            prompt: shownPrompt,
            visible: String(characters[start..<end]),
            cursorColumn: promptWidth + widthBeforeCursor
        )
    }

    /// The bytes that draw the input line from column 0 of the current row: CR, prompt,
    /// visible text, erase to end of line, then CR and a move right to the cursor column.
    static func render(prompt: String, text: String, cursor: Int, width: Int) -> [UInt8] {
        let layout = self.layout(prompt: prompt, text: text, cursor: cursor, width: width)
        var output = "\r" + layout.prompt + layout.visible + "\u{1B}[K\r"
        if layout.cursorColumn > 0 { output += "\u{1B}[\(layout.cursorColumn)C" }
        return Array(output.utf8)
    }

    /// The longest prefix of `text` that takes at most `columns` columns.
    static func prefix(of text: String, fitting columns: Int) -> String {
        var used = 0
        var result = ""
        for character in text {
            let width = DisplayWidth.of(character)
            if used + width > columns { break }
            used += width
            result.append(character)
        }
        return result
    }
}
