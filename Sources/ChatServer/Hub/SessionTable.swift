/// Values keyed by ``SessionID``, kept in the array slot the ID names, so that a lookup is
/// an array read and a comparison, not a hash: routing one message touches every
/// recipient, and the hub looks its sender up several times per command.
///
/// The transport hands out IDs whose slots are free (see `SessionSlots`). An ID whose slot
/// is taken by another session, or lies far beyond the table (IDs made up by hand, as in
/// tests), lives in a dictionary on the side: every ID works, hand-made ones are slower.
struct SessionTable<Value> {
    private var ids: [SessionID?] = []
    private var values: [Value?] = []
    private var overflow: [SessionID: Value] = [:]
    private(set) var count = 0

    /// How far past its end the table grows to put an ID in its own slot.
    private static var maximumGap: Int { 1024 }

    /// The index of `id`'s own slot when it holds `id`.
    @inline(__always)
    private func index(of id: SessionID) -> Int? {
        let slot = id.slot
        guard slot >= 0, slot < self.ids.count, let held = self.ids[slot], held == id else { return nil }
        return slot
    }

    func contains(_ id: SessionID) -> Bool {
        self.index(of: id) != nil || (!self.overflow.isEmpty && self.overflow[id] != nil)
    }

    subscript(id: SessionID) -> Value? {
        @inline(__always)
        get {
            if let index = self.index(of: id) { return self.values[index] }
            return self.overflow.isEmpty ? nil : self.overflow[id]
        }
        set {
            if let newValue {
                self.insert(newValue, for: id)
            } else {
                self.removeValue(forKey: id)
            }
        }
        // In place: a session is a large value, and copying it out and back retains each
        // of its fields.
        _modify {
            if let index = self.index(of: id) {
                defer {
                    if self.values[index] == nil {
                        self.ids[index] = nil
                        self.count -= 1
                    }
                }
                yield &self.values[index]
            } else {
                var value = self.overflow.isEmpty ? nil : self.overflow.removeValue(forKey: id)
                if value != nil { self.count -= 1 }
                defer {
                    if let value { self.insert(value, for: id) }
                }
                yield &value
            }
        }
    }

    /// Reads the value in place: `table[id]?.nick` copies the whole value first (a retain
    /// per field), `table.read(id) { $0.nick }` only the nick.
    @inline(__always)
    func read<Result>(_ id: SessionID, _ body: (borrowing Value) -> Result) -> Result? {
        guard let index = self.index(of: id) else {
            guard !self.overflow.isEmpty, let value = self.overflow[id] else { return nil }
            return body(value)
        }
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
    mutating func update<Result>(_ id: SessionID, _ body: (inout Value) -> Result) -> Result? {
        guard let index = self.index(of: id) else {
            guard !self.overflow.isEmpty, self.overflow[id] != nil else { return nil }
            return body(&self.overflow[id]!)
        }
        return self.values.withUnsafeMutableBufferPointer { buffer in
            buffer[index] == nil ? nil : body(&buffer[index]!)
        }
    }

    @discardableResult
    mutating func removeValue(forKey id: SessionID) -> Value? {
        if let index = self.index(of: id) {
            self.ids[index] = nil
            self.count -= 1
            return self.values[index].take()
        }
        guard !self.overflow.isEmpty, let value = self.overflow.removeValue(forKey: id) else { return nil }
        self.count -= 1
        return value
    }

    private mutating func insert(_ value: Value, for id: SessionID) {
        if let index = self.index(of: id) {
            self.values[index] = value
            return
        }
        // Only an ID already on the side is replaced there (`updateValue` would add a new
        // one, storing it twice once it also took its free slot below).
        if !self.overflow.isEmpty, let index = self.overflow.index(forKey: id) {
            self.overflow.values[index] = value
            return
        }
        self.count += 1
        let slot = id.slot
        if slot >= 0, slot < self.ids.count, self.ids[slot] == nil {
            self.ids[slot] = id
            self.values[slot] = value
        } else if slot >= self.ids.count, slot - self.ids.count <= Self.maximumGap {
            let gap = slot - self.ids.count
            self.ids.append(contentsOf: repeatElement(nil, count: gap))
            self.values.append(contentsOf: repeatElement(nil, count: gap))
            self.ids.append(id)
            self.values.append(value)
        } else {
            self.overflow[id] = value
        }
    }

    /// Reads every value in place, in no particular order: no copy of each (a retain per
    /// field), no array of them all.
    func forEach(_ body: (borrowing Value) -> Void) {
        self.values.withUnsafeBufferPointer { buffer in
            for index in buffer.indices {
                if case .some(let value) = buffer[index] { body(value) }
            }
        }
        for value in self.overflow.values { body(value) }
    }

    /// Every value, in no particular order.
    var allValues: [Value] {
        self.values.compactMap { $0 } + self.overflow.values
    }
}

extension SessionTable: Sendable where Value: Sendable {}
