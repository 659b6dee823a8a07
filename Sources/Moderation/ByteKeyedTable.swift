/// A table from byte strings to values, read with a slice of bytes: the filter asks it for
/// every token, prefix and suffix of every message, and building a `String` per question
/// (an allocation, then SipHash over it) cost more than the rest of the scan.
///
/// Keys are bucketed by their FNV-1a hash and compared byte for byte, so a collision costs
/// a comparison, never a false match.
struct ByteKeyedTable<Value: Sendable>: Sendable {
    private struct Entry: Sendable {
        let key: [UInt8]
        var value: Value
    }

    private var buckets: [UInt64: [Entry]] = [:]

    var isEmpty: Bool { buckets.isEmpty }

    /// The value for `key`, or nil.
    func value(for key: ArraySlice<UInt8>) -> Value? {
        guard !buckets.isEmpty, let bucket = buckets[Self.hash(key)] else { return nil }
        for entry in bucket where entry.key.elementsEqual(key) { return entry.value }
        return nil
    }

    /// Changes the value for `key`, starting from `initial` when there is none.
    mutating func update(_ key: some StringProtocol, initial: Value, _ change: (inout Value) -> Void) {
        let bytes = Array(key.utf8)
        let hash = Self.hash(bytes[...])
        var bucket = buckets[hash] ?? []
        if let index = bucket.firstIndex(where: { $0.key == bytes }) {
            change(&bucket[index].value)
        } else {
            var value = initial
            change(&value)
            bucket.append(Entry(key: bytes, value: value))
        }
        buckets[hash] = bucket
    }

    private static func hash(_ bytes: ArraySlice<UInt8>) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes {
            hash ^= UInt64(byte)
            hash &*= 0x0000_0100_0000_01b3
        }
        return hash
    }
}
