/// One IRCv3 message tag: a key and an optional, unescaped value.
///
/// An empty value and no value mean the same thing in IRCv3, so an empty value is
/// stored as `nil`; this keeps `parse(serialize(m)) == m` true for every tag.
public struct IRCTag: Hashable, Sendable {
    /// The key, with its `+` client-only prefix and `vendor/` part if any.
    public var key: String
    /// The unescaped value, or `nil` when the tag has none.
    public var value: String? {
        didSet { if value?.isEmpty == true { value = nil } }
    }

    /// Makes a tag; an empty `value` becomes `nil`.
    public init(key: String, value: String? = nil) {
        self.key = key
        self.value = (value?.isEmpty ?? true) ? nil : value
    }

    /// Whether the key has the `+` prefix of a client-only tag, which servers relay
    /// as they are.
    public var isClientOnly: Bool {
        key.utf8.first == UInt8(ascii: "+")
    }

    /// Whether `key` is a well-formed tag key: `[+][vendor/]name`, the name made of
    /// ASCII letters, digits and `-`, the vendor of letters, digits, `-` and `.`.
    public static func isValidKey(_ key: String) -> Bool {
        var key = key
        return key.withUTF8 { isValidKey(UnsafeRawBufferPointer($0)) }
    }

    static func isValidKey(_ bytes: UnsafeRawBufferPointer) -> Bool {
        var start = 0
        if bytes.first == UInt8(ascii: "+") { start = 1 }
        guard start < bytes.count else { return false }
        var slash: Int? = nil
        for index in start..<bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "/") {
                guard slash == nil, index > start else { return false }
                slash = index
            } else if byte == UInt8(ascii: ".") {
                // Dots belong to the vendor (a host name), never to the name.
                guard slash == nil else { return false }
            } else if !(byte.isASCIILetterOrDigit || byte == UInt8(ascii: "-")) {
                return false
            }
        }
        if let slash {
            return slash + 1 < bytes.count
        }
        // Without a vendor there is no host part, so a dot is not allowed.
        return !bytes[start...].contains(UInt8(ascii: "."))
    }
}

/// The tags of a message, in the order they were received or added, keys unique.
///
/// Adding a key that is already present replaces its value in place (the last one
/// wins, as IRCv3 asks of duplicate keys on the wire). Equality is order-sensitive,
/// which is what round-trip tests want; servers look tags up by key.
public struct IRCTags: RandomAccessCollection, Hashable, Sendable, ExpressibleByDictionaryLiteral {
    private var storage: [IRCTag]

    /// No tags.
    public init() {
        storage = []
    }

    /// Tags from a sequence; for a repeated key the last value wins, at the place the
    /// key first appeared.
    public init(_ tags: some Sequence<IRCTag>) {
        self.init(uniquing: Array(tags))
    }

    /// Tags as read from the wire; for a repeated key the last value wins. Linear for
    /// the usual handful of tags, hashed for many, so a hostile line of thousands of
    /// tiny tags costs no more than its length.
    init(uniquing tags: [IRCTag]) {
        storage = []
        guard tags.count > 16 else {
            for tag in tags {
                set(tag.key, to: tag.value)
            }
            return
        }
        var positions: [String: Int] = [:]
        positions.reserveCapacity(tags.count)
        storage.reserveCapacity(tags.count)
        for tag in tags {
            if let position = positions[tag.key] {
                storage[position].value = tag.value
            } else {
                positions[tag.key] = storage.count
                storage.append(tag)
            }
        }
    }

    /// Tags from a literal such as `["time": "2024-01-01T00:00:00.000Z", "+typing": nil]`.
    public init(dictionaryLiteral elements: (String, String?)...) {
        self.init(elements.lazy.map { IRCTag(key: $0.0, value: $0.1) })
    }

    public var startIndex: Int { storage.startIndex }
    public var endIndex: Int { storage.endIndex }
    public subscript(position: Int) -> IRCTag { storage[position] }

    /// The value for `key`; `nil` both when the tag is absent and when it has no value
    /// (use ``contains(_:)`` to tell them apart).
    public func value(for key: String) -> String? {
        storage.first { $0.key == key }?.value
    }

    /// Whether a tag with this key is present.
    public func contains(_ key: String) -> Bool {
        storage.contains { $0.key == key }
    }

    /// Sets `key` to `value`, replacing the value in place if the key is present and
    /// appending it otherwise. The caller keeps `key` valid (``IRCTag/isValidKey(_:)``).
    public mutating func set(_ key: String, to value: String?) {
        if let index = storage.firstIndex(where: { $0.key == key }) {
            storage[index].value = value
        } else {
            storage.append(IRCTag(key: key, value: value))
        }
    }

    /// Removes the tag with this key, returning it if it was present.
    @discardableResult
    public mutating func remove(_ key: String) -> IRCTag? {
        guard let index = storage.firstIndex(where: { $0.key == key }) else { return nil }
        return storage.remove(at: index)
    }

    /// Removes the tags for which `shouldRemove` is true (a server drops the client-only
    /// tags of a client that did not ask for them this way).
    public mutating func removeAll(where shouldRemove: (IRCTag) throws -> Bool) rethrows {
        try storage.removeAll(where: shouldRemove)
    }
}

// MARK: - Value escaping (IRCv3 message-tags, "Escaping values")

enum IRCTagEscaping {
    /// Unescapes a raw value: `\:` `;`, `\s` space, `\\` `\`, `\r` CR, `\n` LF, any other
    /// `\x` becomes `x`, and a lone `\` at the end is dropped. Empty yields `nil`.
    static func unescape(_ raw: UnsafeRawBufferPointer) -> String? {
        guard !raw.isEmpty else { return nil }
        guard raw.contains(UInt8(ascii: "\\")) else {
            return String(decoding: raw, as: UTF8.self)
        }
        var out: [UInt8] = []
        out.reserveCapacity(raw.count)
        var index = 0
        while index < raw.count {
            let byte = raw[index]
            index += 1
            guard byte == UInt8(ascii: "\\") else {
                out.append(byte)
                continue
            }
            guard index < raw.count else { break }
            let escaped = raw[index]
            index += 1
            switch escaped {
            case UInt8(ascii: ":"): out.append(UInt8(ascii: ";"))
            case UInt8(ascii: "s"): out.append(UInt8(ascii: " "))
            case UInt8(ascii: "r"): out.append(UInt8(ascii: "\r"))
            case UInt8(ascii: "n"): out.append(UInt8(ascii: "\n"))
            default: out.append(escaped)
            }
        }
        return out.isEmpty ? nil : String(decoding: out, as: UTF8.self)
    }

    /// Whether a value has any byte that must be escaped on the wire.
    static func needsEscaping(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        for byte in bytes where byte.needsTagEscaping {
            return true
        }
        return false
    }

    /// The escape letter for a byte that needs escaping.
    static func escapeLetter(for byte: UInt8) -> UInt8 {
        switch byte {
        case UInt8(ascii: ";"): UInt8(ascii: ":")
        case UInt8(ascii: " "): UInt8(ascii: "s")
        case UInt8(ascii: "\r"): UInt8(ascii: "r")
        case UInt8(ascii: "\n"): UInt8(ascii: "n")
        default: byte  // the backslash escapes to itself
        }
    }
}

extension UInt8 {
    var isASCIILetter: Bool {
        (self | 0x20) >= UInt8(ascii: "a") && (self | 0x20) <= UInt8(ascii: "z")
    }

    var isASCIIDigit: Bool {
        self >= UInt8(ascii: "0") && self <= UInt8(ascii: "9")
    }

    var isASCIILetterOrDigit: Bool {
        isASCIILetter || isASCIIDigit
    }

    var needsTagEscaping: Bool {
        self == UInt8(ascii: ";") || self == UInt8(ascii: " ") || self == UInt8(ascii: "\\")
            || self == UInt8(ascii: "\r") || self == UInt8(ascii: "\n")
    }
}
