import Testing

@testable import Moderation

/// The Unicode path's shortcut (no NFKC for text NFKC would leave alone) must give exactly
/// what NFKC gives, for every character it takes: all of the Basic Multilingual Plane,
/// the emoji blocks and the start of the CJK extensions, each between two letters.
@Suite struct UnicodeShortcutTests {
    @Test func theShortcutAgreesWithNFKCWhereverItIsTaken() {
        let ranges: [ClosedRange<UInt32>] = [0x80...0xD7FF, 0xE000...0xFFFF, 0x1F000...0x1FAFF, 0x20000...0x200FF]
        var taken = 0
        var disagreements: [String] = []
        for range in ranges {
            for value in range {
                guard let scalar = Unicode.Scalar(value) else { continue }
                let text = "a\(Character(scalar))B"
                guard let shortcut = TextNormalizer.unchangedByNFKC(text) else { continue }
                taken += 1
                if shortcut != TextNormalizer.throughNFKC(text), disagreements.count < 20 {
                    disagreements.append(String(value, radix: 16))
                }
            }
        }
        #expect(disagreements.isEmpty, "U+\(disagreements.joined(separator: ", U+"))")
        // Most of those characters are letters, symbols or ideographs NFKC leaves alone.
        #expect(taken > 40_000)
    }

    /// Letters outside the BMP's table may compose with the one before them (Kirat Rai,
    /// Unicode 16: U+16D67 U+16D67 is U+16D68); only the ranges chat uses are shortcut.
    @Test(arguments: ["\u{16D67}\u{16D67}", "a\u{16D63}\u{16D67}", "\u{11000}x", "\u{1D400}"])
    func lettersOfOtherPlanesGoThroughNFKC(text: String) {
        #expect(TextNormalizer.unchangedByNFKC(text) == nil)
    }

    @Test(arguments: [
        ("Grüße aus Köln", ["grüße", "aus", "köln"]),
        ("日本語のテキスト", ["日本語のテキスト"]),
        ("deploy 🚀 done", ["deploy", "done"]),
        ("ｂａｄ", ["bad"]),
        ("cafe\u{0301}", ["café"]),
        ("\u{1100}\u{1161}", ["가"]),
    ])
    func unicodeTextIsNormalisedWhicheverPathItTakes(text: String, tokens: [String]) {
        #expect(TextNormalizer.normalize(text).tokenStrings == tokens)
    }
}
