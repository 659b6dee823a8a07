import Foundation
import IRC

/// One JSON object printed on one line, keys in the order they were first set.
///
/// `securechat tail` prints each message as one (``encode(_:)``); the benchmark prints
/// its reports with it. Setting a key to nil leaves it out; ``JSONNull`` writes `null`.
public struct JSONLine: Sendable {
    private var keys: [String] = []
    private var values: [String: String] = [:]

    public init() {}

    public subscript(key: String) -> (any JSONScalar)? {
        get { nil }
        set {
            guard let newValue else { return }
            if self.values[key] == nil { self.keys.append(key) }
            self.values[key] = newValue.jsonText
        }
    }

    /// Copies every field of `other` after this line's own.
    public mutating func merge(_ other: JSONLine) {
        for key in other.keys {
            if self.values[key] == nil { self.keys.append(key) }
            self.values[key] = other.values[key]
        }
    }

    /// The object as one line of JSON, without a line end.
    public var text: String {
        "{" + self.keys.map { "\(JSONLine.quote($0)):\(self.values[$0] ?? "null")" }.joined(separator: ",") + "}"
    }

    /// A JSON string literal, escaped by Foundation's encoder.
    public static func quote(_ text: String) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .withoutEscapingSlashes
        // Encoding a String cannot fail; the fallback only keeps the output valid JSON.
        guard let data = try? encoder.encode(text), let literal = String(data: data, encoding: .utf8) else { return "\"\"" }
        return literal
    }

    /// One message for `securechat tail`:
    /// `{"time":"…Z","msgid":"…","room":"#lobby","from":"alice","text":"hi","private":false}`,
    /// with `"history":true` at the end for a message fetched from history. `msgid` is
    /// left out when the server sent none.
    public static func encode(_ message: ChatMessage) -> String {
        let milliseconds = Int64((message.time.timeIntervalSince1970 * 1000).rounded(.down))
        var line = JSONLine()
        line["time"] = IRCServerTime(millisecondsSinceEpoch: milliseconds).tagValue
        line["msgid"] = message.msgid
        line["room"] = message.room ?? JSONNull()
        line["from"] = message.from
        line["text"] = message.text
        line["private"] = message.isPrivate
        if message.isHistory { line["history"] = true }
        return line.text
    }
}

/// A value a ``JSONLine`` field can hold.
public protocol JSONScalar: Sendable {
    /// The value as JSON text.
    var jsonText: String { get }
}

/// JSON's `null`, for a field that is present but has no value.
public struct JSONNull: JSONScalar {
    public init() {}
    public var jsonText: String { "null" }
}

extension String: JSONScalar { public var jsonText: String { JSONLine.quote(self) } }
extension Int: JSONScalar { public var jsonText: String { String(self) } }
extension UInt64: JSONScalar { public var jsonText: String { String(self) } }
extension Bool: JSONScalar { public var jsonText: String { self ? "true" : "false" } }
extension Double: JSONScalar {
    /// Finite numbers with at most three decimals; JSON has no NaN or infinity, so null.
    public var jsonText: String { self.isFinite ? String(format: "%.3f", self) : "null" }
}
