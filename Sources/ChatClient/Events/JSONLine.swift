import Foundation
import IRC

/// One message as a JSON object on one line, for `securechat tail`:
/// `{"time":"…Z","room":"#lobby","from":"alice","text":"hi","private":false}`.
public enum JSONLine {
    public static func encode(_ message: ChatMessage) -> String {
        let milliseconds = Int64((message.time.timeIntervalSince1970 * 1000).rounded(.down))
        let time = IRCServerTime(millisecondsSinceEpoch: milliseconds).tagValue
        let room = message.room.map(quoted) ?? "null"
        return "{\"time\":\(quoted(time)),\"room\":\(room),\"from\":\(quoted(message.from)),"
            + "\"text\":\(quoted(message.text)),\"private\":\(message.isPrivate)}"
    }

    /// A JSON string literal, escaped by Foundation's encoder.
    static func quoted(_ text: String) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .withoutEscapingSlashes
        // Encoding a String cannot fail; the fallback only keeps the output valid JSON.
        guard let data = try? encoder.encode(text), let literal = String(data: data, encoding: .utf8) else { return "\"\"" }
        return literal
    }
}
