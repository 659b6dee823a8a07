/// The hub's live sessions, each in the slot of a ``SessionTable`` that its ``SessionID``
/// names, so that routing a message to a hundred recipients is a hundred array reads, not a
/// hundred hash-table lookups. Freed slots are reused; the ID's counter, compared on every
/// read, keeps a new session in a reused slot from being taken for an old one. The hub
/// state keys its own table by the same IDs, so it finds them in the same slots.
struct SessionSlots {
    private var table = SessionTable<SessionHandler>()
    private var free: [Int] = []
    private var nextSlot = 0

    var count: Int { self.table.count }

    /// Adds `session` under a fresh ID: `counter` and a free slot.
    mutating func insert(_ session: SessionHandler, counter: UInt64) -> SessionID {
        let slot: Int
        if let reused = self.free.popLast() {
            slot = reused
        } else {
            slot = self.nextSlot
            self.nextSlot += 1
        }
        let id = SessionID(counter, slot: slot)
        self.table[id] = session
        return id
    }

    subscript(id: SessionID) -> SessionHandler? { self.table[id] }

    @discardableResult
    mutating func remove(_ id: SessionID) -> SessionHandler? {
        guard let session = self.table.removeValue(forKey: id) else { return nil }
        self.free.append(id.slot)
        return session
    }

    var all: [SessionHandler] { self.table.allValues }

    mutating func removeAll() -> [SessionHandler] {
        defer { self = SessionSlots() }
        return self.all
    }
}
