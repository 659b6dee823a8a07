/// How many terminal columns text takes.
///
/// A pure approximation of what terminals do (the `wcwidth` rules), kept in our own code so
/// it does not depend on the process locale: East Asian wide and fullwidth characters and
/// emoji take two columns, combining marks and other zero-width characters take none,
/// everything else takes one. Measured per grapheme cluster, so "👩‍💻" is two columns, not
/// six.
enum DisplayWidth {
    /// The columns one grapheme cluster takes: 0, 1 or 2.
    static func of(_ character: Character) -> Int {
        let scalars = character.unicodeScalars
        guard let first = scalars.first else { return 0 }
        if first.value < 0x20 || (0x7F..<0xA0).contains(first.value) { return 0 }
        if scalars.contains(where: { $0.value == 0xFE0F }) { return 2 }  // emoji presentation selector
        if isWide(first) { return 2 }
        if isZeroWidth(first) { return 0 }
        return 1
    }

    /// The columns a string or a run of grapheme clusters takes.
    static func of(_ characters: some Sequence<Character>) -> Int {
        characters.reduce(0) { $0 + of($1) }
    }

    /// Where a run of `characters` starting at `start` ends when it may take at most
    /// `columns` columns: the index after the last grapheme that fits.
    static func end(of characters: [Character], from start: Int, fitting columns: Int) -> Int {
        var end = start
        var used = 0
        while end < characters.count {
            let next = of(characters[end])
            if used + next > columns { break }
            used += next
            end += 1
        }
        return end
    }

    private static func isZeroWidth(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.properties.generalCategory {
        case .nonspacingMark, .enclosingMark, .format: return true
        default: return scalar.value == 0x200B
        }
    }

    private static func isWide(_ scalar: Unicode.Scalar) -> Bool {
        if scalar.properties.isEmojiPresentation { return true }
        let value = scalar.value
        return wideRanges.contains { $0.contains(value) }
    }

    /// East Asian Wide and Fullwidth blocks (Unicode's EastAsianWidth.txt, condensed).
    private static let wideRanges: [ClosedRange<UInt32>] = [
        0x1100...0x115F,  // Hangul Jamo initial consonants
        0x231A...0x231B, 0x2329...0x232A,
        0x2E80...0x303E,  // CJK radicals, Kangxi, ideographic punctuation
        0x3041...0x33FF,  // kana, Bopomofo, Hangul compatibility, CJK compatibility
        0x3400...0x4DBF,  // CJK extension A
        0x4E00...0x9FFF,  // CJK unified ideographs
        0xA000...0xA4CF,  // Yi
        0xA960...0xA97F,  // Hangul Jamo extended A
        0xAC00...0xD7A3,  // Hangul syllables
        0xF900...0xFAFF,  // CJK compatibility ideographs
        0xFE10...0xFE19, 0xFE30...0xFE6F,  // vertical and small forms
        0xFF00...0xFF60, 0xFFE0...0xFFE6,  // fullwidth forms
        0x16FE0...0x18AFF, 0x1B000...0x1B2FF,  // Tangut, kana supplement
        0x1F300...0x1F64F, 0x1F900...0x1F9FF,  // pictographs that terminals draw wide
        0x20000...0x2FFFD, 0x30000...0x3FFFD,  // CJK extensions B and later
    ]
}
