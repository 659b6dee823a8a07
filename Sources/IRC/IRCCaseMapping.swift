/// How names are compared: `CASEMAPPING=ascii`, only `A`–`Z` fold to `a`–`z`.
///
/// Why ascii: it is the simplest mapping that is still correct (no `[]\~` ↔ `{}|^`
/// equivalences that rfc1459 adds and that modern.ircdocs.horse tells servers to
/// avoid), it is what modern servers such as Ergo default to, and clients such as
/// irssi and WeeChat honour it from RPL_ISUPPORT. Bytes outside ASCII are compared
/// as they are, so non-ASCII channel names work but are case-sensitive.
public enum IRCCaseMapping {
    /// The RPL_ISUPPORT token a server sends to announce this mapping.
    public static let isupportToken = "CASEMAPPING=ascii"

    /// `name` with `A`–`Z` lowered and every other byte kept. Returns `name` itself,
    /// without copying, when it has no upper-case ASCII letter.
    public static func fold(_ name: String) -> String {
        var name = name
        return name.withUTF8 { utf8 in
            guard let firstUpper = utf8.firstIndex(where: \.isASCIIUppercase) else {
                return nil
            }
            return String(unsafeUninitializedCapacity: utf8.count) { out in
                for index in 0..<firstUpper {
                    out[index] = utf8[index]
                }
                for index in firstUpper..<utf8.count {
                    let byte = utf8[index]
                    out[index] = byte.isASCIIUppercase ? byte | 0x20 : byte
                }
                return utf8.count
            }
        } ?? name
    }

    /// Whether two names are the same under this mapping.
    public static func equals(_ lhs: String, _ rhs: String) -> Bool {
        let left = lhs.utf8
        let right = rhs.utf8
        guard left.count == right.count else { return false }
        return zip(left, right).allSatisfy { $0.asciiLowercased == $1.asciiLowercased }
    }
}

extension UInt8 {
    var isASCIIUppercase: Bool {
        self >= UInt8(ascii: "A") && self <= UInt8(ascii: "Z")
    }

    var asciiLowercased: UInt8 {
        isASCIIUppercase ? self | 0x20 : self
    }
}
