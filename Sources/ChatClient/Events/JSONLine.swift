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

    /// A JSON string literal.
    static func quoted(_ text: String) -> String {
        var result = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            default:
                if scalar.value < 0x20 {
                    result += String(format: "\\u%04x", scalar.value)
                } else {
                    result.unicodeScalars.append(scalar)
                }
            }
        }
        return result + "\""
    }
}
