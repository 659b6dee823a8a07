/// What is on the screen: the conversation scrolling above, the input line at the bottom.
///
/// Pure: each method returns the bytes to write and changes nothing, so "a message arrives
/// while the user types" is a function from (message, input line) to bytes, tested as such.
/// The terminal is in raw mode with output processing off, so every line ends in CR LF.
struct TerminalScreen: Sendable {
    /// Shown before the input, for example "#lobby> "; control characters are made visible.
    var prompt: String = ""
    /// The terminal's width in columns.
    var width: Int = 80

    /// Draws the input line for the editor's text and cursor. Pasted text of several lines
    /// stays one message: its line count follows the prompt (`#ops> [3 lines] `) and each
    /// line break shows as `⏎`, until Enter sends it or Ctrl-C discards it.
    func inputLine(_ editor: LineEditor) -> [UInt8] {
        let lines = editor.lineCount
        guard lines > 1 else {
            return InputLineRenderer.render(prompt: Self.printable(self.prompt), text: editor.text, cursor: editor.cursor, width: self.width)
        }
        let shown = String(editor.text.map { $0 == "\n" ? "⏎" : $0 })
        return InputLineRenderer.render(
            prompt: Self.printable(self.prompt) + "[\(lines) lines] ", text: shown, cursor: editor.cursor, width: self.width)
    }

    /// Shows `message` above the input line: clear the input line, write the message (each of
    /// its lines, wrapped at word boundaries with the rows after the first `indent` columns
    /// in, under the message text), then draw the input line again as it was.
    func show(_ message: String, indent: Int = 0, editing editor: LineEditor) -> [UInt8] {
        var output = Array("\r\u{1B}[2K".utf8)
        output += Self.conversationLines(message, width: self.width, indent: indent)
        output += self.inputLine(editor)
        return output
    }

    /// After Ctrl-L: clear the screen, cursor home, input line on the top row.
    func clearScreen(editing editor: LineEditor) -> [UInt8] {
        Array("\u{1B}[H\u{1B}[2J".utf8) + self.inputLine(editor)
    }

    /// After a size change or anything else that may have left the line untidy.
    func redraw(editing editor: LineEditor) -> [UInt8] {
        Array("\r\u{1B}[2K".utf8) + self.inputLine(editor)
    }

    /// Leaving: clear the input line so the shell's prompt starts on a clean row.
    func clearInputLine() -> [UInt8] {
        Array("\r\u{1B}[2K".utf8)
    }

    /// A message as CR LF terminated lines, made safe to print; with a `width`, each line is
    /// wrapped by ``ConversationWrapper``, and the message's later lines start `indent`
    /// columns in too.
    static func conversationLines(_ message: String, width: Int? = nil, indent: Int = 0) -> [UInt8] {
        var output: [UInt8] = []
        var lines = message.split(omittingEmptySubsequences: false) { $0 == "\n" || $0 == "\r\n" }
        if lines.count > 1 && lines.last?.isEmpty == true { lines.removeLast() }
        for (index, line) in lines.enumerated() {
            let text = (index > 0 ? String(repeating: " ", count: indent) : "") + self.printable(String(line))
            let rows = width.map { ConversationWrapper.rows(of: text, width: $0, indent: indent) } ?? [text]
            for row in rows {
                output += Array(row.utf8)
                output += [0x0D, 0x0A]
            }
        }
        return output
    }

    /// Text with every control character made visible, so nothing received from the network
    /// can move the cursor, change colours or retitle the terminal: C0 controls and DEL in
    /// caret notation (`^[`), C1 controls as U+FFFD, tab as a space.
    static func printable(_ text: String) -> String {
        var result = ""
        result.unicodeScalars.reserveCapacity(text.unicodeScalars.count)
        for scalar in text.unicodeScalars {
            switch scalar.value {
            case 0x09:
                result.unicodeScalars.append(" ")
            case 0..<0x20:
                result.unicodeScalars.append("^")
                result.unicodeScalars.append(Unicode.Scalar(UInt8(scalar.value + 0x40)))
            case 0x7F:
                result += "^?"
            case 0x80..<0xA0:
                result.unicodeScalars.append("\u{FFFD}")
            default:
                result.unicodeScalars.append(scalar)
            }
        }
        return result
    }
}
