/// Names one connection to the hub for as long as it lasts.
///
/// The hub state hands the values out (``SessionTable/add(_:)``) and never reuses one:
/// a counter, and the slot where every table keeps the session (slots are reused). The
/// slot is not part of the identity: two IDs are equal when their counters are. Ordered
/// so tests and logs can list sessions deterministically.
public struct SessionID: Hashable, Sendable, Comparable, CustomStringConvertible {
    public let rawValue: UInt64
    let slot: Int

    init(_ rawValue: UInt64, slot: Int) {
        precondition(slot >= 0, "a session slot is an array index")
        self.rawValue = rawValue
        self.slot = slot
    }

    public static func == (lhs: SessionID, rhs: SessionID) -> Bool {
        lhs.rawValue == rhs.rawValue
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(self.rawValue)
    }

    public static func < (lhs: SessionID, rhs: SessionID) -> Bool {
        lhs.rawValue < rhs.rawValue
    }

    public var description: String { "session \(rawValue)" }
}

extension SessionID: SlotKey {}
