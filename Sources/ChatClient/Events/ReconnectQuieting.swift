/// What a person is shown around a reconnect: one line, not the whole welcome again.
///
/// Pure. After `.reconnected(rooms:)` the rejoin of each of those rooms (our own JOIN, its
/// topic and its NAMES) and the second "connected as" are passed over: the
/// `reconnected; back in #lobby, #ops` line says it, and `.caughtUp` then says how many
/// missed messages were shown above. Everything else is shown.
public struct ReconnectQuieting: Sendable {
    /// Rooms (lower case) whose rejoin lines are still to come.
    private var rejoining: Set<String> = []
    private var registeredBefore = false

    public init() {}

    /// Whether to show `event`; call it for every event, in order.
    public mutating func shows(_ event: ChatEvent) -> Bool {
        switch event {
        case .registered:
            defer { self.registeredBefore = true }
            return !self.registeredBefore
        case .reconnected(let rooms):
            self.rejoining = Set(rooms.map { $0.lowercased() })
            return true
        case .joined(let room, _, true):
            return !self.rejoining.contains(room.lowercased())
        case .topic(let room, _, nil):
            return !self.rejoining.contains(room.lowercased())
        case .names(let room, _):
            // NAMES ends a join's block.
            return self.rejoining.remove(room.lowercased()) == nil
        default:
            return true
        }
    }
}
