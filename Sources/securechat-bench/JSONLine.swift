import Foundation

/// One JSON object printed on one line, keys in the order they were first set.
struct JSONLine {
    private var keys: [String] = []
    private var values: [String: String] = [:]

    subscript(key: String) -> (any JSONScalar)? {
        get { nil }
        set {
            guard let newValue else { return }
            if self.values[key] == nil { self.keys.append(key) }
            self.values[key] = newValue.jsonText
        }
    }

    /// Copies every field of `other` after this line's own.
    mutating func merge(_ other: JSONLine) {
        for key in other.keys {
            if self.values[key] == nil { self.keys.append(key) }
            self.values[key] = other.values[key]
        }
    }

    var text: String {
        "{" + self.keys.map { "\(JSONLine.quote($0)):\(self.values[$0] ?? "null")" }.joined(separator: ",") + "}"
    }

    /// A JSON string literal, escaped by Foundation's encoder.
    static func quote(_ text: String) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .withoutEscapingSlashes
        // Encoding a String cannot fail; the fallback only keeps the output valid JSON.
        guard let data = try? encoder.encode(text), let literal = String(data: data, encoding: .utf8) else { return "\"\"" }
        return literal
    }
}

/// A value a ``JSONLine`` field can hold.
protocol JSONScalar {
    var jsonText: String { get }
}

extension String: JSONScalar { var jsonText: String { JSONLine.quote(self) } }
extension Int: JSONScalar { var jsonText: String { String(self) } }
extension UInt64: JSONScalar { var jsonText: String { String(self) } }
extension Bool: JSONScalar { var jsonText: String { self ? "true" : "false" } }
extension Double: JSONScalar {
    /// Finite numbers with at most three decimals; JSON has no NaN or infinity, so null.
    var jsonText: String { self.isFinite ? String(format: "%.3f", self) : "null" }
}

extension Duration {
    /// The duration in seconds as a floating-point number.
    var seconds: Double {
        let (seconds, attoseconds) = self.components
        return Double(seconds) + Double(attoseconds) / 1e18
    }
}
