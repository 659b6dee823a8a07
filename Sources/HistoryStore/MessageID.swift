/// A stored event's sequence number, and the `msgid` tag clients see for it.
///
/// The number is `epoch << 40 | counter`: the epoch names one run of a sequencer (the
/// local one takes a new epoch each time the store opens), the counter counts within
/// it. So IDs never repeat across restarts, and they sort the way they were issued,
/// both as numbers and as their text.
///
/// The text is 13 digits of Crockford's base32 in lower case (`0-9a-z` without `i l o
/// u`), fixed width, so comparing two msgids as strings agrees with comparing them as
/// numbers. Each ID has exactly one spelling: decoding refuses upper case, other
/// widths and letters outside the alphabet.
public struct MessageID: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// The sequence number: positive, below 2⁶³.
    public let rawValue: Int64

    /// Bits given to the counter within one epoch.
    public static let counterBits = 40
    /// The largest counter an epoch holds (about 1.1 × 10¹²).
    public static let maximumCounter: Int64 = (1 << counterBits) - 1
    /// The largest epoch: 2²³ − 1 runs, each taking one when it opens.
    public static let maximumEpoch: Int64 = (1 << (63 - counterBits)) - 1
    /// Characters in every msgid.
    public static let textLength = 13

    /// An ID from a stored sequence number; `nil` unless it is positive.
    public init?(rawValue: Int64) {
        guard rawValue > 0 else { return nil }
        self.rawValue = rawValue
    }

    /// The ID for `counter` in `epoch`. Both must be in range (`1...maximumEpoch`,
    /// `0...maximumCounter`); the sequencers guarantee it, so a violation is our bug.
    public init(epoch: Int64, counter: Int64) {
        precondition((1...Self.maximumEpoch).contains(epoch), "epoch \(epoch) out of range")
        precondition((0...Self.maximumCounter).contains(counter), "counter \(counter) out of range")
        self.rawValue = epoch << Self.counterBits | counter
    }

    /// The run of the sequencer that issued this ID.
    public var epoch: Int64 { rawValue >> Self.counterBits }

    /// The position within its epoch.
    public var counter: Int64 { rawValue & Self.maximumCounter }

    public static func < (lhs: MessageID, rhs: MessageID) -> Bool {
        lhs.rawValue < rhs.rawValue
    }

    // MARK: - Text

    private static let alphabet = Array("0123456789abcdefghjkmnpqrstvwxyz".utf8)

    /// Each byte's digit value, or 0xFF when the byte is not a digit.
    private static let digitValues: [UInt8] = {
        var table = [UInt8](repeating: 0xFF, count: 256)
        for (value, byte) in alphabet.enumerated() {
            table[Int(byte)] = UInt8(value)
        }
        return table
    }()

    /// The msgid: 13 lower-case base32 digits, most significant first.
    public var description: String {
        let value = UInt64(rawValue)
        return String(unsafeUninitializedCapacity: Self.textLength) { out in
            for index in 0..<Self.textLength {
                let shift = UInt64(5 * (Self.textLength - 1 - index))
                out[index] = Self.alphabet[Int((value >> shift) & 31)]
            }
            return Self.textLength
        }
    }

    /// The ID a msgid names, or `nil` when `text` is not a msgid this store issues
    /// (wrong length, a character outside the alphabet, zero, or 2⁶³ and above).
    /// Safe on any input from a client.
    public init?(_ text: some StringProtocol) {
        let utf8 = text.utf8
        guard utf8.count == Self.textLength else { return nil }
        var value: UInt64 = 0
        for byte in utf8 {
            let digit = Self.digitValues[Int(byte)]
            guard digit != 0xFF else { return nil }
            value = value << 5 | UInt64(digit)
        }
        // 13 digits carry 65 bits; the first digit may use only its low 3 (value < 2⁶³).
        guard let first = utf8.first, Self.digitValues[Int(first)] < 8 else { return nil }
        self.init(rawValue: Int64(value))
    }
}
