/// Wraps a conversation line at word boundaries for a terminal, as irssi does: the rows
/// after the first start under the message text, and no character is cut in two.
///
/// Pure. Widths are counted with ``DisplayWidth``, so a CJK character or an emoji (two
/// columns) moves to the next row whole rather than being split at the edge. A word wider
/// than a whole row is cut between grapheme clusters. The spaces at a break are dropped, as
/// they would only pad the row's end.
enum ConversationWrapper {
    /// The rows of `line` (which holds no line break) for a terminal `width` columns wide;
    /// every row after the first begins with `indent` spaces. Rows never reach the last
    /// column, so the terminal never wraps them itself.
    static func rows(of line: String, width: Int, indent: Int) -> [String] {
        let usable = max(width - 1, 2)
        // An indent that leaves too little room for text is cut back, as irssi does.
        let indent = indent > usable / 2 ? min(4, usable / 2) : max(indent, 0)
        let characters = Array(line)
        var rows: [String] = []
        var start = 0
        while start < characters.count {
            let lead = rows.isEmpty ? 0 : indent
            let room = usable - lead
            var end = DisplayWidth.end(of: characters, from: start, fitting: room)
            if end < characters.count {
                var cut = end
                while cut > start, !characters[cut].isWhitespace, !characters[cut - 1].isWhitespace { cut -= 1 }
                // A word that would not fit a whole row anyway (a URL, text without spaces
                // such as Chinese) fills this row instead of leaving it short.
                var wordEnd = cut
                while wordEnd < characters.count, !characters[wordEnd].isWhitespace { wordEnd += 1 }
                if cut > start, DisplayWidth.of(characters[cut..<wordEnd]) <= usable - indent { end = cut }
                if end == start { end = start + 1 }  // one grapheme wider than the row
            }
            var row = String(characters[start..<end])
            while row.last?.isWhitespace == true, end < characters.count { row.removeLast() }
            rows.append(String(repeating: " ", count: lead) + row)
            start = end
            while start < characters.count, characters[start].isWhitespace { start += 1 }
        }
        return rows.isEmpty ? [""] : rows
    }
}
