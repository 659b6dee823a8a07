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
        var result = NormalizedText()
        result.bytes.reserveCapacity(text.utf8.count)
        var tokenStart: Int?
        var sawHighByte = false
        var stripped: [UInt8] = []
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
        result = NormalizedText()
        tokenStart = nil
        let composed = String(decoding: stripped, as: UTF8.self).precomposedStringWithCompatibilityMapping
        for scalar in composed.unicodeScalars {
            let properties = scalar.properties
            if properties.isDefaultIgnorableCodePoint { continue }
            guard isWordCharacter(properties) else {
                result.endToken(&tokenStart)
                continue
            }
            if scalar.isASCII {
                let byte = UInt8(scalar.value)
                result.append((0x41...0x5A).contains(byte) ? byte + 0x20 : byte, tokenStart: &tokenStart)
            } else {
                for byte in properties.lowercaseMapping.utf8 { result.append(byte, tokenStart: &tokenStart) }
            }
        }
        result.endToken(&tokenStart)
        return result
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
        var utf8 = text.utf8.makeIterator()
        var pending: UInt8? = nil
        func next() -> UInt8? {
            if let byte = pending {
                pending = nil
                return byte
            }
            return utf8.next()
        }
        /// Skips up to `count` bytes that satisfy `accept`; the first other byte is kept.
        func skip(upTo count: Int, _ accept: (UInt8) -> Bool) -> Int {
            var skipped = 0
            while skipped < count, let byte = next() {
                guard accept(byte) else {
                    pending = byte
                    break
                }
                skipped += 1
            }
            return skipped
        }
        let isDigit: (UInt8) -> Bool = { (0x30...0x39).contains($0) }
        let isHex: (UInt8) -> Bool = { isDigit($0) || (0x41...0x46).contains($0) || (0x61...0x66).contains($0) }
        while let byte = next() {
            switch byte {
            case 0x02, 0x0F, 0x11, 0x16, 0x1D, 0x1E, 0x1F:
                continue
            case 0x03, 0x04:
                // ^C NN[,NN] or ^D RRGGBB[,RRGGBB]: the comma belongs to the code only
                // when a colour follows it.
                let accept = byte == 0x03 ? isDigit : isHex
                let width = byte == 0x03 ? 2 : 6
                guard skip(upTo: width, accept) > 0, let comma = next() else { continue }
                guard comma == UInt8(ascii: ","), let after = next() else {
                    pending = comma
                    continue
                }
                if accept(after) {
                    _ = skip(upTo: width - 1, accept)
                } else {
                    body(comma)
                    pending = after
                }
            default:
                body(byte)
            }
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
