import NIOCore

/// Counts open connections in total and per remote address, and refuses those over the
/// configured limits; gives connections still in their TLS handshake a smaller budget of
/// their own. Shared by the I/O loops behind a lock (a few operations per connection).
///
/// A connection is *pending* from its accept until its handshake completes. Pending
/// connections are at most `maxHandshakes` in total and `maxHandshakesPerAddress` per
/// address: one more closes the oldest pending one of that budget, since a handshake takes
/// milliseconds and the oldest has had the longest. Once more than three quarters of
/// `maxHandshakes` are in use, pending connections older than `busyHandshakeTimeout` are
/// closed as well. So peers that never finish a handshake can hold `maxHandshakes` slots at
/// most, for a short time, and new handshakes and admitted sessions always find room.
///
/// An IPv6 address counts by its /64 prefix: one subscriber or host usually holds a whole
/// /64, so counting single addresses would put no limit on it.
struct ConnectionLimiter {
    let maxTotal: Int
    let maxPerAddress: Int
    let exemptLoopback: Bool
    let maxHandshakes: Int
    let maxHandshakesPerAddress: Int
    let busyHandshakeTimeout: TimeAmount
    private(set) var total = 0
    private var perAddress: [String: Int] = [:]
    /// Every open connection, by the ID ``open(from:now:)`` gave it.
    private var connections: [ConnectionID: Entry] = [:]
    /// Pending connections in the order they opened; IDs no longer pending are skipped.
    private var pendingOrder: [ConnectionID] = []
    private var pendingStart = 0
    private(set) var pendingCount = 0
    /// Pending connections per address, oldest first.
    private var pendingPerAddress: [String: [ConnectionID]] = [:]
    private var nextID: UInt64 = 0

    struct ConnectionID: Hashable, Sendable {
        let value: UInt64
    }

    private struct Entry {
        let key: String
        let openedAt: NIODeadline
        var isPending = true
    }

    enum Verdict: Equatable {
        /// Admitted under this ID.
        case accept(ConnectionID)
        case tooManyInTotal
        case tooManyFromAddress
    }

    /// What ``open(from:now:)`` decided, and the pending connections that lost their place
    /// to make room (whatever the verdict): the caller closes those.
    struct Decision: Equatable {
        var verdict: Verdict
        var evicting: [ConnectionID]
    }

    init(
        maxTotal: Int, maxPerAddress: Int, exemptLoopback: Bool,
        maxHandshakes: Int = Int.max, maxHandshakesPerAddress: Int = Int.max,
        busyHandshakeTimeout: TimeAmount = .seconds(2)
    ) {
        self.maxTotal = maxTotal
        self.maxPerAddress = maxPerAddress
        self.exemptLoopback = exemptLoopback
        self.maxHandshakes = max(maxHandshakes, 1)
        self.maxHandshakesPerAddress = max(maxHandshakesPerAddress, 1)
        self.busyHandshakeTimeout = busyHandshakeTimeout
    }

    /// Admits a connection from `address` (an IP address) at `now` and counts it as
    /// pending, or says why not.
    mutating func open(from address: String, now: NIODeadline) -> Decision {
        let key = Self.key(for: address)
        let isExempt = self.exemptLoopback && Self.isLoopback(address)
        var evicting: [ConnectionID] = []
        // Under load, pending connections that had their share of time go first.
        while self.pendingCount > self.maxHandshakes - self.maxHandshakes / 4, let oldest = self.oldestPending(),
            now - oldest.openedAt >= self.busyHandshakeTimeout
        {
            evicting.append(self.evict(oldest.id))
        }
        if !isExempt {
            let pending = self.pendingPerAddress[key]
            if pending?.count ?? 0 >= self.maxHandshakesPerAddress || self.perAddress[key, default: 0] >= self.maxPerAddress,
                let oldest = pending?.first
            {
                evicting.append(self.evict(oldest))
            }
            if self.perAddress[key, default: 0] >= self.maxPerAddress {
                return Decision(verdict: .tooManyFromAddress, evicting: evicting)
            }
        }
        if self.pendingCount >= self.maxHandshakes || self.total >= self.maxTotal, let oldest = self.oldestPending() {
            evicting.append(self.evict(oldest.id))
        }
        guard self.total < self.maxTotal else { return Decision(verdict: .tooManyInTotal, evicting: evicting) }
        return Decision(verdict: .accept(self.add(key, now, isExempt)), evicting: evicting)
    }

    /// Whether `id` is open and counted (not closed, not evicted).
    func isOpen(_ id: ConnectionID) -> Bool { self.connections[id] != nil }

    /// The connection's handshake completed: it leaves the handshake budget.
    mutating func handshakeCompleted(_ id: ConnectionID) {
        guard var entry = self.connections[id], entry.isPending else { return }
        entry.isPending = false
        self.connections[id] = entry
        self.removePending(id, key: entry.key)
    }

    /// Forgets a connection admitted by ``open(from:now:)``; nothing for one evicted.
    mutating func close(_ id: ConnectionID) {
        guard let entry = self.connections.removeValue(forKey: id) else { return }
        if entry.isPending { self.removePending(id, key: entry.key) }
        self.total -= 1
        let count = self.perAddress[entry.key, default: 1] - 1
        self.perAddress[entry.key] = count > 0 ? count : nil
    }

    // MARK: pending

    private mutating func add(_ key: String, _ now: NIODeadline, _ isExempt: Bool) -> ConnectionID {
        self.nextID += 1
        let id = ConnectionID(value: self.nextID)
        self.connections[id] = Entry(key: key, openedAt: now)
        self.total += 1
        self.perAddress[key, default: 0] += 1
        self.pendingOrder.append(id)
        self.pendingCount += 1
        if !isExempt { self.pendingPerAddress[key, default: []].append(id) }
        return id
    }

    /// The oldest connection still pending.
    private mutating func oldestPending() -> (id: ConnectionID, openedAt: NIODeadline)? {
        while self.pendingStart < self.pendingOrder.count {
            let id = self.pendingOrder[self.pendingStart]
            if let entry = self.connections[id], entry.isPending { return (id, entry.openedAt) }
            self.pendingStart += 1
        }
        return nil
    }

    /// Frees the place of a pending connection at once; its ``close(_:)`` does nothing.
    private mutating func evict(_ id: ConnectionID) -> ConnectionID {
        self.close(id)
        return id
    }

    private mutating func removePending(_ id: ConnectionID, key: String) {
        self.pendingCount -= 1
        if var list = self.pendingPerAddress[key], let index = list.firstIndex(of: id) {
            list.remove(at: index)
            self.pendingPerAddress[key] = list.isEmpty ? nil : list
        }
        // Skipped IDs pile up at the front: drop them once they are half of the queue.
        while self.pendingStart < self.pendingOrder.count,
            self.connections[self.pendingOrder[self.pendingStart]]?.isPending != true
        {
            self.pendingStart += 1
        }
        if self.pendingStart > 64, self.pendingStart * 2 > self.pendingOrder.count {
            self.pendingOrder.removeFirst(self.pendingStart)
            self.pendingStart = 0
        }
    }
}
