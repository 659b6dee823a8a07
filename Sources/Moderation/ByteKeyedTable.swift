/// A table from byte strings to values, read with a slice of bytes: the filter asks it for
/// every token, prefix and suffix of every message, and building a `String` per question
/// (an allocation, then SipHash over it) cost more than the rest of the scan.
///
/// Open addressing over a power-of-two array of slots, keyed by an FNV-1a hash and compared
/// byte for byte, so a collision costs a comparison, never a false match. Most questions
/// are answered before any hashing: the table knows which key lengths it holds, and a
/// token of another length cannot be in it.
struct ByteKeyedTable<Value: Sendable>: Sendable {
    private struct Entry: Sendable {
        let hash: UInt64
        let key: [UInt8]
        var value: Value
    }

    /// Entries, in the order added.
    private var entries: [Entry] = []
    /// Index into `entries` plus one; 0 for an empty slot. Never more than half full.
    private var slots: [Int32] = []
    /// Bit n set: some key is n bytes long (n < 63); bit 63: some key is longer.
    private var lengths: UInt64 = 0

    var isEmpty: Bool { entries.isEmpty }

    /// The value for `key`, or nil.
    func value(for key: ArraySlice<UInt8>) -> Value? {
        guard lengths & Self.lengthBit(key.count) != 0 else { return nil }
        let hash = Self.hash(key)
        let mask = slots.count - 1
        var slot = Int(truncatingIfNeeded: hash) & mask
        while true {
            let stored = Int(slots[slot])
            if stored == 0 { return nil }
            let entry = entries[stored - 1]
            if entry.hash == hash, entry.key.elementsEqual(key) { return entry.value }
            slot = (slot + 1) & mask
        }
    }

    /// Changes the value for `key`, starting from `initial` when there is none.
    mutating func update(_ key: some StringProtocol, initial: Value, _ change: (inout Value) -> Void) {
        let bytes = Array(key.utf8)
        let hash = Self.hash(bytes[...])
        if let index = entries.firstIndex(where: { $0.hash == hash && $0.key == bytes }) {
            change(&entries[index].value)
            return
        }
        var value = initial
        change(&value)
        entries.append(Entry(hash: hash, key: bytes, value: value))
        lengths |= Self.lengthBit(bytes.count)
        if entries.count * 2 > slots.count {
            rebuild(capacity: max(16, slots.count * 2))
        } else {
            place(entries.count - 1)
        }
    }

    private mutating func rebuild(capacity: Int) {
        slots = [Int32](repeating: 0, count: capacity)
        for index in entries.indices { place(index) }
    }

    private mutating func place(_ index: Int) {
        let mask = slots.count - 1
        var slot = Int(truncatingIfNeeded: entries[index].hash) & mask
        while slots[slot] != 0 { slot = (slot + 1) & mask }
        slots[slot] = Int32(index + 1)
    }

    private static func lengthBit(_ count: Int) -> UInt64 {
        1 << UInt64(min(count, 63))
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
