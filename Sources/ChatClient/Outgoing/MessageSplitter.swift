/// Cuts a line of text into pieces that each fit one IRC line, at word boundaries,
/// losing nothing.
///
/// Pure. The pieces, joined, give back the line exactly: a piece ends just after the last
/// space (or other whitespace) that lets it fit, so the space stays with the word before
/// it. A word longer than a whole line is cut between grapheme clusters, so a UTF-8
/// character, an accented letter or an emoji is never cut in two; only a single cluster
/// larger than the budget (never typed by a person) is cut between its scalars.
public enum MessageSplitter {
    /// The pieces of `line`, each at most `budget` bytes of UTF-8; none for an empty line.
    ///
    /// - Precondition: `budget` is at least 4 (one scalar of UTF-8).
    public static func pieces(of line: String, budget: Int) -> [String] {
        precondition(budget >= 4, "an IRC line budget below 4 bytes cannot hold one character")
        guard line.utf8.count > budget else { return line.isEmpty ? [] : [line] }
        let characters = Array(line)
        let sizes = characters.map { $0.utf8.count }
        var pieces: [String] = []
        var start = 0
        while start < characters.count {
            var end = start
            var used = 0
            while end < characters.count, used + sizes[end] <= budget {
                used += sizes[end]
                end += 1
            }
            if end == characters.count {
                pieces.append(String(characters[start...]))
                break
            }
            if end == start {
                // One grapheme cluster larger than a whole line: cut between its scalars.
                pieces += self.scalarPieces(of: characters[start], budget: budget)
                start += 1
                continue
            }
            var cut = end
            while cut > start, !characters[cut - 1].isWhitespace { cut -= 1 }
            if cut == start { cut = end }  // no space in reach: cut the word
            pieces.append(String(characters[start..<cut]))
            start = cut
        }
        return pieces
    }

    private static func scalarPieces(of character: Character, budget: Int) -> [String] {
        var pieces: [String] = []
        var current = ""
        for scalar in character.unicodeScalars {
            if current.utf8.count + String(scalar).utf8.count > budget {
                pieces.append(current)
                current = ""
            }
            current.unicodeScalars.append(scalar)
        }
        if !current.isEmpty { pieces.append(current) }
        return pieces
    }
}
