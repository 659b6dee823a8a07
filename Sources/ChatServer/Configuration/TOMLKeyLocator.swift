import Foundation

/// Finds the line on which a key or table of a TOML document is written.
///
/// The TOML parser keeps no positions for values, yet every configuration message must
/// say `path:line`. This scanner reads the text the way a person would: `[table]`
/// headers, `key = value` lines (dotted and quoted keys included), skipping comments and
/// multi-line strings. It does not validate; the parser already has.
struct TOMLKeyLocator {
    /// First line of each full key path, joined with `.` (`port`, `limits.sendq`, `limits`).
    private var lines: [String: Int] = [:]

    init(text: String) {
        var table: [String] = []
        var inMultilineString: String?
        for (index, rawLine) in Self.lines(of: text).enumerated() {
            let number = index + 1
            let line = rawLine.drop { $0 == " " || $0 == "\t" || $0 == "\u{FEFF}" }
            if let delimiter = inMultilineString {
                if Self.count(delimiter, in: line) % 2 == 1 { inMultilineString = nil }
                continue
            }
            if line.isEmpty || line.first == "#" { continue }
            if line.first == "[" {
                let inner = line.drop { $0 == "[" }.prefix { $0 != "]" }
                table = Self.keyPath(inner)
                self.record(table, number)
                continue
            }
            guard let equals = line.firstIndex(of: "=") else { continue }
            self.record(table + Self.keyPath(line[..<equals]), number)
            let value = line[line.index(after: equals)...]
            for delimiter in ["\"\"\"", "'''"] where Self.count(delimiter, in: value) % 2 == 1 {
                inMultilineString = delimiter
            }
        }
    }

    /// The line of `path` (`["limits", "sendq"]`); for a key written inside an inline table
    /// or array, the line of its nearest enclosing key; 1 when nothing matches.
    func line(of path: [String]) -> Int {
        var path = path
        while !path.isEmpty {
            if let line = self.lines[path.joined(separator: ".")] { return line }
            path.removeLast()
        }
        return 1
    }

    /// Lines split at LF; "\r\n" is one Character in Swift, so it is matched too.
    private static func lines(of text: String) -> [Substring] {
        text.split(omittingEmptySubsequences: false) { $0 == "\n" || $0 == "\r\n" }
    }

    private mutating func record(_ path: [String], _ line: Int) {
        guard !path.isEmpty else { return }
        let key = path.joined(separator: ".")
        if self.lines[key] == nil { self.lines[key] = line }
    }

    /// `a . "b.c" . d` → `["a", "b.c", "d"]`.
    private static func keyPath(_ text: Substring) -> [String] {
        var parts: [String] = []
        var current = ""
        var quote: Character?
        for character in text {
            if let open = quote {
                if character == open { quote = nil } else { current.append(character) }
            } else if character == "\"" || character == "'" {
                quote = character
            } else if character == "." {
                parts.append(current)
                current = ""
            } else if character != " " && character != "\t" {
                current.append(character)
            }
        }
        parts.append(current)
        return parts
    }

    private static func count(_ needle: String, in text: Substring) -> Int {
        var count = 0
        var rest = text
        while let range = rest.range(of: needle) {
            count += 1
            rest = rest[range.upperBound...]
        }
        return count
    }
}

/// The candidate closest to `word` by edit distance, when it is close enough to be a
/// plausible typo (at most a third of the word's length, and at least 2 edits allowed).
func closestMatch(to word: String, in candidates: [String]) -> String? {
    let limit = max(2, word.count / 3)
    let scored = candidates.map { ($0, editDistance(word.lowercased(), $0)) }
    guard let best = scored.min(by: { $0.1 < $1.1 }), best.1 <= limit else { return nil }
    return best.0
}

/// Levenshtein distance between two strings, by characters.
func editDistance(_ lhs: String, _ rhs: String) -> Int {
    let left = Array(lhs)
    let right = Array(rhs)
    guard !left.isEmpty else { return right.count }
    guard !right.isEmpty else { return left.count }
    var previous = Array(0...right.count)
    var current = [Int](repeating: 0, count: right.count + 1)
    for i in 1...left.count {
        current[0] = i
        for j in 1...right.count {
            let substitution = previous[j - 1] + (left[i - 1] == right[j - 1] ? 0 : 1)
            current[j] = min(previous[j] + 1, current[j - 1] + 1, substitution)
        }
        swap(&previous, &current)
    }
    return previous[right.count]
}
