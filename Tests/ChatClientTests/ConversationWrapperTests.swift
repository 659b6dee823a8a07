import Foundation
import Testing

@testable import ChatClient

/// Long conversation lines wrap between words, indented under the text; wide characters stay whole.
@Suite struct ConversationWrapperTests {
    @Test(arguments: [
        // line, width, indent → rows
        ("short", 20, 4, ["short"]),
        ("12:00 <al> one two three four five", 25, 11, ["12:00 <al> one two three", "           four five"]),
        // A word longer than a row fills the row and goes on below.
        ("12:00 <al> abcdefghijklmnopqrstuvwxyz", 25, 11, ["12:00 <al> abcdefghijklm", "           nopqrstuvwxyz"]),
        // Wide characters never straddle the edge: 中 (2 columns) moves on whole.
        ("ab 中文中文中文中文中文", 12, 3, ["ab 中文中文", "   中文中文", "   中文"]),
        ("x 👩‍💻👩‍💻👩‍💻👩‍💻👩‍💻", 8, 2, ["x 👩‍💻👩‍💻", "  👩‍💻👩‍💻", "  👩‍💻"]),
        // An indent wider than half the row is cut back.
        ("0123456789 abc def ghi", 12, 9, ["0123456789", "    abc def", "    ghi"]),
    ] as [(String, Int, Int, [String])])
    func wrapsAtWordsUnderTheText(line: String, width: Int, indent: Int, rows: [String]) {
        let wrapped = ConversationWrapper.rows(of: line, width: width, indent: indent)
        #expect(wrapped == rows)
        #expect(wrapped.allSatisfy { DisplayWidth.of($0) < width })
    }

    @Test func aMessageOfSeveralLinesIndentsItsLaterLinesUnderTheText() {
        let bytes = TerminalScreen.conversationLines("12:00 <al> first\nsecond", width: 40, indent: 11)
        #expect(String(decoding: bytes, as: UTF8.self) == "12:00 <al> first\r\n           second\r\n")
    }

    @Test func theFormatterIndentsUnderTheMessageText() {
        let formatter = EventFormatter()
        let message = ChatMessage(time: .now, room: "#ops", from: "bob", to: "#ops", text: "hi", isOwnEcho: false)
        let line = formatter.line(for: message)
        #expect(formatter.indent(for: .message(message)) == DisplayWidth.of(line) - 2)
        #expect(formatter.indent(for: .info("x")) == 0)
    }
}
