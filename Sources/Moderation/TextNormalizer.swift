import Foundation

/// A text as the filter compares it: tokens of letters, digits and marks, lowercased,
/// each separated from the next by exactly one space.
public struct NormalizedText: Sendable, Equatable {
    /// The tokens' UTF-8 bytes, one space between two tokens.
    public var bytes: [UInt8] = []
    /// Where each token lies in ``bytes``.
    public var tokens: [Range<Int>] = []

    /// The tokens as strings (for tests, patterns and `filter-test`; matching uses bytes).
    public var tokenStrings: [String] { tokens.map { String(decoding: bytes[$0], as: UTF8.self) } }

    /// The text of tokens `first...last` with their separating spaces.
    func text(_ first: Int, through last: Int) -> String {
        String(decoding: bytes[tokens[first].lowerBound..<tokens[last].upperBound], as: UTF8.self)
    }
}

/// Turns a message into what the filter matches, in one pass over its bytes (two when it
/// has any byte ≥ 0x80):
///
/// 1. IRC formatting codes are dropped: bold, italics, underline, strike-through,
///    monospace, reverse, reset, and colours with their `NN[,NN]` or hex arguments;
/// 2. only when a byte ≥ 0x80 is present: Unicode NFKC (fullwidth `ｂａｄ` is `bad`, `ﬁ`
///    is `fi`), default-ignorable code points dropped (zero-width joiners and spaces,
///    soft hyphens, variation selectors), lowercase mapping;
///    otherwise ASCII letters are lowercased byte by byte;
/// 3. tokens are the longest runs of letters, digits and combining marks; everything
///    else separates them.
public enum TextNormalizer {
    public static func normalize(_ text: String) -> NormalizedText {
        if let plain = plainASCII(text) { return plain }
        var result = NormalizedText()
        result.bytes.reserveCapacity(text.utf8.count)
        var tokenStart: Int?
        var sawHighByte = false
        var stripped: [UInt8] = []
        stripped.reserveCapacity(text.utf8.count)
        withFormattingStripped(text) { byte in
            if byte >= 0x80 {
                sawHighByte = true
                stripped.append(byte)
                return
            }
            stripped.append(byte)
            guard !sawHighByte else { return }
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"): result.append(byte + 0x20, tokenStart: &tokenStart)
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                result.append(byte, tokenStart: &tokenStart)
            default: result.endToken(&tokenStart)
            }
        }
        guard sawHighByte else {
            result.endToken(&tokenStart)
            return result
        }
        // Begin again on the Unicode path: NFKC needs the whole text.
        let unicode = String(decoding: stripped, as: UTF8.self)
        return unchangedByNFKC(unicode) ?? throughNFKC(unicode)
    }

    /// Step 2 by the book: NFKC of the whole text, then each scalar's properties.
    static func throughNFKC(_ text: String) -> NormalizedText {
        var result = NormalizedText()
        var tokenStart: Int?
        let composed = text.precomposedStringWithCompatibilityMapping
        for scalar in composed.unicodeScalars {
            let properties = scalar.properties
            if properties.isDefaultIgnorableCodePoint { continue }
            guard isWordCharacter(properties) else {
                result.endToken(&tokenStart)
                continue
            }
            if scalar.isASCII {
                // A letter or digit: the plain-text table has its lowercase form.
                result.append(plainClass[Int(scalar.value)], tokenStart: &tokenStart)
            } else {
                for byte in properties.lowercaseMapping.utf8 { result.append(byte, tokenStart: &tokenStart) }
            }
        }
        result.endToken(&tokenStart)
        return result
    }

    /// Step 2 without NFKC, for text it would leave as it is (most non-ASCII chat: accented
    /// letters, CJK, emoji): nil unless every non-ASCII scalar is unchanged by NFKC and by
    /// lowercasing, is no combining mark and no conjoining jamo (marks and jamo compose with
    /// what precedes them). Default-ignorable scalars are dropped. Scalars of the Basic
    /// Multilingual Plane are classified once, in ``bmpClasses``: a scalar's properties
    /// cost about 50 ns a question, and NFKC through Foundation microseconds a message.
    static func unchangedByNFKC(_ text: String) -> NormalizedText? {
        var result = NormalizedText()
        result.bytes.reserveCapacity(text.utf8.count)
        var tokenStart: Int?
        let classes = bmpClasses
        for scalar in text.unicodeScalars {
            let value = scalar.value
            switch value < 0x1_0000 ? classes[Int(value)] : classBeyondBMP(scalar) {
            case ScalarClass.word:
                if value < 0x80 {
                    result.append(plainClass[Int(value)], tokenStart: &tokenStart)
                } else {
                    for byte in UTF8.encode(scalar).unsafelyUnwrapped { result.append(byte, tokenStart: &tokenStart) }
                }
            case ScalarClass.separator: result.endToken(&tokenStart)
            case ScalarClass.ignorable: continue
            default: return nil
            }
        }
        result.endToken(&tokenStart)
        return result
    }

    /// Beyond the BMP the shortcut takes only emoji and symbols (U+1F000–U+1FAFF) and the
    /// CJK ideograph extensions (U+20000–U+3FFFF): what chat uses there. Newer scripts may
    /// hold letters that compose with the one before them (Unicode 16's Kirat Rai vowel
    /// signs are letters, not marks), which only NFKC of the whole text gets right.
    static let beyondBMPShortcut: [ClosedRange<UInt32>] = [0x1_F000...0x1_FAFF, 0x2_0000...0x3_FFFF]

    /// ``ScalarClass`` of a scalar from U+10000 on: classified in ``beyondBMPShortcut``,
    /// left to NFKC elsewhere.
    private static func classBeyondBMP(_ scalar: Unicode.Scalar) -> UInt8 {
        beyondBMPShortcut.contains { $0.contains(scalar.value) } ? classify(scalar, exactNFKC: false) : ScalarClass.needsNFKC
    }

    private enum ScalarClass {
        static let separator: UInt8 = 0
        /// A letter, digit or mark that NFKC and lowercasing leave as it is (ASCII: lowercased).
        static let word: UInt8 = 1
        static let ignorable: UInt8 = 2
        /// Only NFKC of the whole text says what it becomes.
        static let needsNFKC: UInt8 = 3
    }

    /// ``ScalarClass`` of every scalar below U+10000, computed on first use (tens of
    /// milliseconds; ``ModerationFilter`` asks for it when it loads rules).
    static let bmpClasses: [UInt8] = (0..<0x1_0000).map { value in
        guard let scalar = Unicode.Scalar(UInt32(value)) else { return ScalarClass.separator }
        return classify(scalar, exactNFKC: true)
    }

    /// With `exactNFKC`, a scalar that NFKC case folding would change (say ß, which folds to
    /// "ss") is asked whether NFKC alone changes it; without, it needs the NFKC path.
    private static func classify(_ scalar: Unicode.Scalar, exactNFKC: Bool) -> UInt8 {
        if scalar.isASCII {
            let byte = UInt8(scalar.value)
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"):
                return ScalarClass.word
            default: return ScalarClass.separator
            }
        }
        let properties = scalar.properties
        switch properties.generalCategory {
        case .nonspacingMark, .spacingMark, .enclosingMark: return ScalarClass.needsNFKC
        default: break
        }
        guard properties.canonicalCombiningClass.rawValue == 0, !isConjoiningJamo(scalar.value),
            !properties.changesWhenLowercased
        else { return ScalarClass.needsNFKC }
        if properties.isDefaultIgnorableCodePoint { return ScalarClass.ignorable }
        if properties.changesWhenNFKCCaseFolded {
            let alone = String(scalar)
            guard exactNFKC, alone.precomposedStringWithCompatibilityMapping.unicodeScalars.elementsEqual(alone.unicodeScalars)
            else { return ScalarClass.needsNFKC }
        }
        return isWordCharacter(properties) ? ScalarClass.word : ScalarClass.separator
    }

    private static func isConjoiningJamo(_ value: UInt32) -> Bool {
        (0x1100...0x11FF).contains(value) || (0xA960...0xA97F).contains(value) || (0xD7B0...0xD7FF).contains(value)
    }

    /// The common case in one walk over the bytes: printable ASCII without formatting codes
    /// (nothing below 0x20, nothing from 0x80) needs no stripping and no Unicode path, only
    /// lowercasing and cutting into tokens, exactly as the general path would. Nil for any
    /// other text.
    private static func plainASCII(_ text: String) -> NormalizedText? {
        var text = text
        return text.withUTF8 { utf8 -> NormalizedText? in
            var tokens: [Range<Int>] = []
            tokens.reserveCapacity(min(16, utf8.count / 2 + 1))
            var plain = true
            let bytes = [UInt8](unsafeUninitializedCapacity: utf8.count) { buffer, written in
                var out = 0
                var tokenStart = -1
                for byte in utf8 {
                    let class_ = plainClass[Int(byte)]
                    if class_ >= 0x30 {
                        if tokenStart < 0 {
                            if out > 0 {
                                buffer[out] = 0x20
                                out += 1
                            }
                            tokenStart = out
                        }
                        buffer[out] = class_
                        out += 1
                    } else if class_ == 0 {
                        if tokenStart >= 0 {
                            tokens.append(tokenStart..<out)
                            tokenStart = -1
                        }
                    } else {
                        plain = false
                        break
                    }
                }
                if tokenStart >= 0 { tokens.append(tokenStart..<out) }
                written = out
            }
            guard plain else { return nil }
            return NormalizedText(bytes: bytes, tokens: tokens)
        }
    }

    /// For each byte, in plain ASCII text: its lowercase form when it belongs to a token
    /// (letters and digits, all ≥ 0x30), 0 when it separates tokens (other printable ASCII),
    /// 1 when the text needs the general path (control codes, bytes from 0x80).
    private static let plainClass: [UInt8] = (0..<256).map { value in
        let byte = UInt8(value)
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"): return byte + 0x20
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"): return byte
        case 0x20..<0x80: return 0
        default: return 1
        }
    }

    private static func isWordCharacter(_ properties: Unicode.Scalar.Properties) -> Bool {
        if properties.isAlphabetic { return true }
        switch properties.generalCategory {
        case .decimalNumber, .letterNumber, .otherNumber, .nonspacingMark, .spacingMark, .enclosingMark: return true
        default: return false
        }
    }

    /// Calls `body` with each byte of `text` that is not an IRC formatting code.
    static func withFormattingStripped(_ text: String, _ body: (UInt8) -> Void) {
        // Indexes into one copy of the bytes: an iterator with a pushed-back byte, shared by
        // nested functions, cost dynamic exclusivity checks on every byte of every message.
        let bytes = Array(text.utf8)
        let count = bytes.count
        var index = 0
        while index < count {
            let byte = bytes[index]
            index += 1
            switch byte {
            case 0x02, 0x0F, 0x11, 0x16, 0x1D, 0x1E, 0x1F:
                continue
            case 0x03, 0x04:
                // ^C NN[,NN] or ^D RRGGBB[,RRGGBB]: the comma belongs to the code only
                // when a colour follows it.
                let hex = byte == 0x04
                let width = hex ? 6 : 2
                let skipped = skipColour(bytes, from: &index, upTo: width, hex: hex)
                guard skipped > 0, index + 1 < count, bytes[index] == UInt8(ascii: ","),
                    isColourByte(bytes[index + 1], hex: hex)
                else { continue }
                index += 1
                _ = skipColour(bytes, from: &index, upTo: width, hex: hex)
            default:
                body(byte)
            }
        }
    }

    /// Moves `index` past at most `width` digits (hex digits for `^D`); how many it passed.
    private static func skipColour(_ bytes: [UInt8], from index: inout Int, upTo width: Int, hex: Bool) -> Int {
        var skipped = 0
        while skipped < width, index < bytes.count, isColourByte(bytes[index], hex: hex) {
            index += 1
            skipped += 1
        }
        return skipped
    }

    private static func isColourByte(_ byte: UInt8, hex: Bool) -> Bool {
        switch byte {
        case 0x30...0x39: return true
        case 0x41...0x46, 0x61...0x66: return hex
        default: return false
        }
    }
}

extension NormalizedText {
    fileprivate mutating func append(_ byte: UInt8, tokenStart: inout Int?) {
        if tokenStart == nil {
            if !bytes.isEmpty { bytes.append(0x20) }
            tokenStart = bytes.count
        }
        bytes.append(byte)
    }

    fileprivate mutating func endToken(_ tokenStart: inout Int?) {
        guard let start = tokenStart else { return }
        tokens.append(start..<bytes.count)
        tokenStart = nil
    }
}
