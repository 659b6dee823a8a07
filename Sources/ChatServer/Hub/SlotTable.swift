/// An ID that names the array slot its value lives in, and a counter that is never reused:
/// ``SessionID`` for connections, ``UserID`` for the nicks online.
protocol SlotKey: Hashable {
    init(_ counter: UInt64, slot: Int)
    var slot: Int { get }
}

/// Sessions by ``SessionID``: the hub state's and, under the same IDs, the transport's.
typealias SessionTable<Value> = SlotTable<SessionID, Value>

/// Values keyed by a ``SlotKey``, kept in the array slot the key names, so that a lookup is
/// an array read and a comparison, not a hash: routing one message touches every
/// recipient, and the hub looks its sender up several times per command.
///
/// The table hands out the IDs itself (``add(_:)``): a fresh counter and a free slot, freed
/// slots reused first. The counter, compared on every read, keeps a new session in a
/// reused slot from answering for the one that left it. The hub state allocates; the
/// transport keeps its connections in a second table under the same IDs (``place(_:at:)``),
/// so both find a session in the same slot.
struct SlotTable<Key: SlotKey, Value> {
    private var ids: [Key?] = []
    private var values: [Value?] = []
    private var freeSlots: [Int] = []
    private var lastCounter: UInt64 = 0
    private(set) var count = 0

    /// The index of `id`'s slot when it holds `id`.
    @inline(__always)
    private func index(of id: Key) -> Int? {
        let slot = id.slot
        guard slot < self.ids.count, let held = self.ids[slot], held == id else { return nil }
        return slot
    }

    func contains(_ id: Key) -> Bool {
        self.index(of: id) != nil
    }

    /// Stores the value `make` builds for a new ID, and returns that ID.
    mutating func add(_ make: (Key) -> Value) -> Key {
        self.lastCounter += 1
        let slot = self.freeSlots.popLast() ?? self.ids.count
        let id = Key(self.lastCounter, slot: slot)
        self.place(make(id), at: id)
        return id
    }

    /// Stores `value` under an ID another table handed out. The slot must be free or
    /// already `id`'s: two live sessions never share a slot.
    mutating func place(_ value: Value, at id: Key) {
        let slot = id.slot
        if slot >= self.ids.count {
            let gap = slot - self.ids.count + 1
            self.ids.append(contentsOf: repeatElement(nil, count: gap))
            self.values.append(contentsOf: repeatElement(nil, count: gap))
        }
        switch self.ids[slot] {
        case .none:
            self.count += 1
            self.ids[slot] = id
        case .some(let held):
            precondition(held == id, "\(id) placed in the slot of live \(held)")
        }
        self.values[slot] = value
    }

    subscript(id: Key) -> Value? {
        @inline(__always)
        get {
            guard let index = self.index(of: id) else { return nil }
            return self.values[index]
        }
        // In place: a session is a large value, and copying it out and back retains each
        // of its fields. Setting a value for an absent ID stores nothing.
        _modify {
            guard let index = self.index(of: id) else {
                var absent: Value? = nil
                yield &absent
                return
            }
            defer {
                if self.values[index] == nil { self.free(index) }
            }
            yield &self.values[index]
        }
    }

    /// Reads the value in place: `table[id]?.nick` copies the whole value first (a retain
    /// per field), `table.read(id) { $0.nick }` only the nick.
    @inline(__always)
    func read<Result>(_ id: Key, _ body: (borrowing Value) -> Result) -> Result? {
        guard let index = self.index(of: id) else { return nil }
        return self.values.withUnsafeBufferPointer { buffer in
            switch buffer[index] {
            case .some(let value): body(value)
            case .none: nil
            }
        }
    }

    /// Changes the value in place, without the coroutine frame (allocated) that the
    /// subscript's `_modify` costs. Returns nil, running nothing, when `id` is absent.
    @inline(__always)
    @discardableResult
    mutating func update<Result>(_ id: Key, _ body: (inout Value) -> Result) -> Result? {
        guard let index = self.index(of: id) else { return nil }
        return self.values.withUnsafeMutableBufferPointer { buffer in
            buffer[index] == nil ? nil : body(&buffer[index]!)
        }
    }

    /// Removes `id`'s value and frees its slot for a later ``add(_:)``.
    @discardableResult
    mutating func removeValue(forKey id: Key) -> Value? {
        guard let index = self.index(of: id) else { return nil }
        let value = self.values[index].take()
        self.free(index)
        return value
    }

    private mutating func free(_ index: Int) {
        self.ids[index] = nil
        self.values[index] = nil
        self.count -= 1
        self.freeSlots.append(index)
    }

    /// Reads every value in place, in no particular order: no copy of each (a retain per
    /// field), no array of them all.
    func forEach(_ body: (borrowing Value) -> Void) {
        self.values.withUnsafeBufferPointer { buffer in
            for index in buffer.indices {
                if case .some(let value) = buffer[index] { body(value) }
            }
        }
    }

    /// Every value, in no particular order.
    var allValues: [Value] {
        self.values.compactMap { $0 }
    }
}

extension SlotTable: Sendable where Key: Sendable, Value: Sendable {}
