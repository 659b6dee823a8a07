/// Names one connection to the hub for as long as it lasts.
///
/// The transport hands out the values (a counter is enough); the hub never reuses or
/// invents them. Ordered so tests and logs can list sessions deterministically.
public struct SessionID: Hashable, Sendable, Comparable, CustomStringConvertible {
    public let rawValue: UInt64

    public init(_ rawValue: UInt64) {
        self.rawValue = rawValue
    }

    public static func < (lhs: SessionID, rhs: SessionID) -> Bool {
        lhs.rawValue < rhs.rawValue
    }

    public var description: String { "session \(rawValue)" }
}
