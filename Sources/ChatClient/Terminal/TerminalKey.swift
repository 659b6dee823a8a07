/// One key, or one run of typed text, as read from the terminal.
///
/// Control keys are named by what they do, not by the byte that produced them: Ctrl-A and
/// the Home key both arrive as ``home``.
enum TerminalKey: Equatable, Sendable {
    /// Printable text: one or more grapheme clusters, never a control character.
    case text(String)
    /// A bracketed paste of several lines, joined by LF; it never submits by itself.
    case paste(String)
    /// Enter (CR or LF).
    case enter
    /// Tab; reserved for completion.
    case tab
    /// Backspace (DEL or Ctrl-H): delete the grapheme before the cursor.
    case backspace
    /// The Delete key: delete the grapheme under the cursor.
    case delete
    case left, right, up, down
    /// Home or Ctrl-A.
    case home
    /// End or Ctrl-E.
    case end
    /// Ctrl-Left or Alt-B.
    case wordLeft
    /// Ctrl-Right or Alt-F.
    case wordRight
    /// Ctrl-W or Alt-Backspace.
    case deleteWordBackward
    /// Ctrl-K.
    case deleteToEnd
    /// Ctrl-U.
    case deleteToStart
    /// Ctrl-C: with the terminal in raw mode this is a key, not a signal.
    case interrupt
    /// Ctrl-D: leave on an empty line, delete under the cursor otherwise.
    case endOfInput
    /// Ctrl-L.
    case clearScreen
}
