/// Turns the bytes a terminal in raw mode sends into keys.
///
/// Feed it each read as it comes with ``decode(_:)``: a UTF-8 character or an escape
/// sequence split across two reads is held until the rest arrives. Sequences we do not know
/// are consumed and dropped, never shown as text. A bracketed paste (`ESC[200~ … ESC[201~`)
/// of one line comes out as text; one of several lines as one ``TerminalKey/paste(_:)``
/// with its lines joined by LF, so that nothing pasted is entered before the user presses
/// Enter.
///
/// A lone ESC is ambiguous until the next byte; when the reader sees no more input for a
/// moment it calls ``flush()`` to give up on whatever is pending.
struct KeyDecoder: Sendable {
    /// Bytes of an escape sequence or of a UTF-8 character that is not complete yet.
    private var pending: [UInt8] = []
    /// The content of a bracketed paste while it is arriving; nil outside a paste.
    private var paste: [UInt8]?
    /// The last byte was CR, so an LF right after it is the same Enter.
    private var afterCarriageReturn = false
    /// An over-long control sequence is being skipped up to and including its final byte.
    private var skippingSequence = false

    /// An escape sequence longer than this is garbage; it is dropped.
    static let maximumSequenceLength = 32
    /// A paste larger than this is cut; the rest is dropped.
    static let maximumPasteLength = 1 << 20

    private static let pasteEnd: [UInt8] = Array("\u{1B}[201~".utf8)

    init() {}

    /// True while bytes are held waiting for the rest of a sequence or character.
    var isAwaitingMore: Bool { !self.pending.isEmpty }
    /// True between the start and the end marker of a bracketed paste.
    var isInPaste: Bool { self.paste != nil }

    /// Decodes one read's worth of bytes; returns the keys completed by them, in order.
    mutating func decode(_ bytes: some Sequence<UInt8>) -> [TerminalKey] {
        var keys = KeyList()
        for byte in bytes {
            if self.paste != nil {
                self.continuePaste(byte, into: &keys)
            } else if self.skippingSequence && (0x20...0x7E).contains(byte) {
                self.skippingSequence = byte < 0x40
            } else {
                self.skippingSequence = false
                self.pending.append(byte)
                self.consumePending(into: &keys)
            }
        }
        return keys.keys
    }

    /// Gives up on anything incomplete: a lone ESC is dropped, a partial UTF-8 character
    /// becomes U+FFFD, an unterminated paste is delivered as it stands.
    mutating func flush() -> [TerminalKey] {
        var keys = KeyList()
        if let paste = self.paste {
            self.paste = nil
            Self.emitPaste(paste, into: &keys)
        }
        if let first = self.pending.first, first >= 0x80 {
            keys.append(text: String(decoding: self.pending, as: UTF8.self))
        }
        self.pending.removeAll()
        return keys.keys
    }

    // MARK: - Outside a paste

    /// Looks at `pending` (which starts at a key boundary) and emits a key once it is whole.
    private mutating func consumePending(into keys: inout KeyList) {
        let first = self.pending[0]
        let wasAfterCR = self.afterCarriageReturn
        self.afterCarriageReturn = false
        switch first {
        case 0x1B:
            self.consumeEscape(into: &keys)
        case 0x80...:
            self.consumeUTF8(into: &keys)
        default:
            self.pending.removeAll()
            if first == 0x0A && wasAfterCR { return }
            if first == 0x0D { self.afterCarriageReturn = true }
            if let key = Self.singleByteKey(first) {
                keys.append(key)
            } else if first >= 0x20 && first < 0x7F {
                keys.append(text: String(UnicodeScalar(first)))
            }
        }
    }

    private static func singleByteKey(_ byte: UInt8) -> TerminalKey? {
        switch byte {
        case 0x01: .home
        case 0x02: .left
        case 0x03: .interrupt
        case 0x04: .endOfInput
        case 0x05: .end
        case 0x06: .right
        case 0x08, 0x7F: .backspace
        case 0x09: .tab
        case 0x0A, 0x0D: .enter
        case 0x0B: .deleteToEnd
        case 0x0C: .clearScreen
        case 0x0E: .down
        case 0x10: .up
        case 0x15: .deleteToStart
        case 0x17: .deleteWordBackward
        default: nil
        }
    }

    private mutating func consumeUTF8(into keys: inout KeyList) {
        let expected: Int
        switch self.pending[0] {
        case 0xC2...0xDF: expected = 2
        case 0xE0...0xEF: expected = 3
        case 0xF0...0xF4: expected = 4
        default:
            // A stray continuation byte or an impossible lead byte.
            self.pending.removeAll()
            keys.append(text: "\u{FFFD}")
            return
        }
        let last = self.pending[self.pending.count - 1]
        if self.pending.count > 1 && (last & 0xC0) != 0x80 {
            // The character was cut short; report it and start over at the new byte.
            self.pending.removeLast()
            keys.append(text: "\u{FFFD}")
            self.pending = [last]
            self.consumePending(into: &keys)
            return
        }
        guard self.pending.count == expected else { return }
        keys.append(text: String(decoding: self.pending, as: UTF8.self))
        self.pending.removeAll()
    }

    private mutating func consumeEscape(into keys: inout KeyList) {
        guard self.pending.count >= 2 else { return }
        let second = self.pending[1]
        switch second {
        case UInt8(ascii: "["):
            self.consumeCSI(into: &keys)
        case UInt8(ascii: "O"):
            guard self.pending.count >= 3 else { return }
            let final = self.pending[2]
            self.pending.removeAll()
            if let key = Self.cursorKey(final: final, modifier: 1) { keys.append(key) }
        case 0x1B:
            // ESC ESC: the first one was a lone Escape press; start over from the second.
            self.pending.removeFirst()
        case 0x7F, 0x08:
            self.pending.removeAll()
            keys.append(.deleteWordBackward)
        case UInt8(ascii: "b"):
            self.pending.removeAll()
            keys.append(.wordLeft)
        case UInt8(ascii: "f"):
            self.pending.removeAll()
            keys.append(.wordRight)
        default:
            // Alt with a key we do not bind, or ESC followed by a control byte: drop the
            // ESC and read the rest as usual so nothing typed after it is lost.
            self.pending.removeFirst()
            if second < 0x20 || second >= 0x80 {
                self.consumePending(into: &keys)
            } else {
                self.pending.removeAll()
            }
        }
    }

    /// `ESC [` parameters (0x30–0x3F), intermediates (0x20–0x2F), one final byte (0x40–0x7E).
    private mutating func consumeCSI(into keys: inout KeyList) {
        guard self.pending.count >= 3 else { return }
        let last = self.pending[self.pending.count - 1]
        switch last {
        case 0x20...0x3F:
            if self.pending.count > Self.maximumSequenceLength {
                self.pending.removeAll()
                self.skippingSequence = true
            }
            return
        case 0x40...0x7E:
            break
        default:
            // Not a valid sequence: drop what we have and read the odd byte afresh.
            self.pending = [last]
            if last == 0x1B || last >= 0x80 { self.consumePending(into: &keys) } else { self.pending.removeAll() }
            return
        }
        let parameters = String(decoding: self.pending[2..<(self.pending.count - 1)], as: UTF8.self)
        self.pending.removeAll()
        let numbers = parameters.split(separator: ";", omittingEmptySubsequences: false).map { Int($0) }
        let modifier = numbers.count > 1 ? (numbers[1] ?? 1) : 1
        if last == UInt8(ascii: "~") {
            switch numbers.first ?? nil {
            case 1, 7: keys.append(.home)
            case 4, 8: keys.append(.end)
            case 3: keys.append(.delete)
            case 200: self.paste = []
            default: break
            }
        } else if let key = Self.cursorKey(final: last, modifier: modifier) {
            keys.append(key)
        }
    }

    /// Arrows, Home and End by their final byte; Ctrl or Alt (modifier 3, 5) moves by word.
    private static func cursorKey(final: UInt8, modifier: Int) -> TerminalKey? {
        let byWord = modifier == 3 || modifier == 5
        switch final {
        case UInt8(ascii: "A"): return .up
        case UInt8(ascii: "B"): return .down
        case UInt8(ascii: "C"): return byWord ? .wordRight : .right
        case UInt8(ascii: "D"): return byWord ? .wordLeft : .left
        case UInt8(ascii: "H"): return .home
        case UInt8(ascii: "F"): return .end
        default: return nil
        }
    }

    // MARK: - Inside a paste

    private mutating func continuePaste(_ byte: UInt8, into keys: inout KeyList) {
        guard var paste = self.paste else { return }
        self.paste = nil  // keep the buffer uniquely referenced while appending
        paste.append(byte)
        if paste.count >= Self.pasteEnd.count && paste.suffix(Self.pasteEnd.count).elementsEqual(Self.pasteEnd) {
            paste.removeLast(Self.pasteEnd.count)
            Self.emitPaste(paste, into: &keys)
            return
        }
        if paste.count > Self.maximumPasteLength + Self.pasteEnd.count {
            // Keep only the tail needed to recognise the end marker.
            paste.remove(at: Self.maximumPasteLength)
        }
        self.paste = paste
    }

    /// Pasted text as keys: line ends (CR, LF or CRLF) become LF, and those at the end are
    /// dropped; tabs become spaces; other control characters (a pasted escape sequence
    /// included) are dropped. One line is text; several are one ``TerminalKey/paste(_:)``.
    private static func emitPaste(_ bytes: [UInt8], into keys: inout KeyList) {
        let text = String(decoding: bytes, as: UTF8.self)
        var pasted = ""
        var previous: Unicode.Scalar?
        for scalar in text.unicodeScalars {
            defer { previous = scalar }
            switch scalar.value {
            case 0x0A where previous == "\r":
                continue
            case 0x0A, 0x0D:
                pasted.unicodeScalars.append("\n")
            case 0x09:
                pasted.unicodeScalars.append(" ")
            case 0..<0x20, 0x7F..<0xA0:
                continue
            default:
                pasted.unicodeScalars.append(scalar)
            }
        }
        while pasted.unicodeScalars.last == "\n" { pasted.unicodeScalars.removeLast() }
        if pasted.unicodeScalars.contains("\n") {
            keys.append(.paste(pasted))
        } else {
            keys.append(text: pasted)
        }
    }
}

/// Keys collected during one decode; adjacent text runs merge into one ``TerminalKey/text(_:)``.
private struct KeyList {
    var keys: [TerminalKey] = []

    mutating func append(_ key: TerminalKey) { self.keys.append(key) }

    mutating func append(text: String) {
        guard !text.isEmpty else { return }
        if case .text(let previous)? = self.keys.last {
            self.keys[self.keys.count - 1] = .text(previous + text)
        } else {
            self.keys.append(.text(text))
        }
    }
}
