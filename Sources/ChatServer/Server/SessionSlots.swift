/// The hub's live sessions, each in a slot of an array that its ``SessionID`` names, so
/// that routing a message to a hundred recipients is a hundred array reads, not a hundred
/// hash-table lookups. Freed slots are reused; the ID's counter, compared on every read,
/// keeps a new session in a reused slot from being taken for an old one.
struct SessionSlots {
    private var slots: [SessionHandler?] = []
    private var free: [Int] = []
    private(set) var count = 0

    /// The ID for the next session: a fresh counter value and a free slot.
    mutating func makeID(counter: UInt64) -> SessionID {
        SessionID(counter, slot: self.free.popLast() ?? self.slots.count)
    }

    subscript(id: SessionID) -> SessionHandler? {
        guard id.slot < self.slots.count, let session = self.slots[id.slot], session.id == id else { return nil }
        return session
    }

    mutating func insert(_ session: SessionHandler, as id: SessionID) {
        if id.slot == self.slots.count {
            self.slots.append(session)
        } else {
            self.slots[id.slot] = session
        }
        self.count += 1
    }

    @discardableResult
    mutating func remove(_ id: SessionID) -> SessionHandler? {
        guard let session = self[id] else { return nil }
        self.slots[id.slot] = nil
        self.free.append(id.slot)
        self.count -= 1
        return session
    }

    var all: [SessionHandler] { self.slots.compactMap { $0 } }

    mutating func removeAll() -> [SessionHandler] {
        defer { self = SessionSlots() }
        return self.all
    }
}
