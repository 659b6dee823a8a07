/// Names one nick while it is online, whichever of its sessions come and go: the key of
/// ``HubUser`` in the hub state and of channel membership.
///
/// Handed out by the hub state's user table (``SlotTable/add(_:)``) when a nick's first
/// session registers, and never reused: a nick that goes offline and comes back gets a new
/// one. Like ``SessionID``, the slot is where the table keeps the user and not part of
/// the identity.
struct UserID: SlotKey, Sendable, CustomStringConvertible {
    let rawValue: UInt64
    let slot: Int

    init(_ rawValue: UInt64, slot: Int) {
        precondition(slot >= 0, "a user slot is an array index")
        self.rawValue = rawValue
        self.slot = slot
    }

    static func == (lhs: UserID, rhs: UserID) -> Bool {
        lhs.rawValue == rhs.rawValue
    }

    func hash(into hasher: inout Hasher) {
        hasher.combine(self.rawValue)
    }

    var description: String { "user \(rawValue)" }
}
