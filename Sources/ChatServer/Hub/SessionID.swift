/// Names one connection to the hub for as long as it lasts.
///
/// The transport hands out the values (a counter is enough); the hub never reuses or
/// invents them. Ordered so tests and logs can list sessions deterministically.
///
/// `slot` tells the transport where it keeps the session (slots are reused); it is not
/// part of the identity: two IDs are equal when their counters are.
public struct SessionID: Hashable, Sendable, Comparable, CustomStringConvertible {
    public let rawValue: UInt64
    public let slot: Int

    public init(_ rawValue: UInt64, slot: Int = 0) {
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
