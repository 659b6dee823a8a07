#if canImport(Darwin)
import Darwin
#elseif canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import ServerTime

/// An instant as the IRCv3 `server-time` tag writes it: `YYYY-MM-DDThh:mm:ss.sssZ`, UTC.
///
/// Formatted by ``ServerTimeFormat`` (arithmetic on milliseconds since the Unix epoch,
/// into one 24-byte string): cheap enough to stamp every message sent to a client that
/// enabled `server-time`.
public struct IRCServerTime: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// Milliseconds since 1970-01-01T00:00:00Z; negative before it.
    public var millisecondsSinceEpoch: Int64

    /// An instant from milliseconds since the Unix epoch.
    public init(millisecondsSinceEpoch: Int64) {
        self.millisecondsSinceEpoch = millisecondsSinceEpoch
    }

    /// An instant from whole seconds and the milliseconds past them (`0..<1000`).
    public init(secondsSinceEpoch: Int64, milliseconds: Int = 0) {
        self.millisecondsSinceEpoch = secondsSinceEpoch * 1000 + Int64(milliseconds)
    }

    /// The current wall-clock time (`CLOCK_REALTIME`), truncated to milliseconds.
    public static func now() -> IRCServerTime {
        var time = timespec()
        clock_gettime(CLOCK_REALTIME, &time)
        return IRCServerTime(secondsSinceEpoch: Int64(time.tv_sec), milliseconds: Int(time.tv_nsec / 1_000_000))
    }

    public static func < (lhs: IRCServerTime, rhs: IRCServerTime) -> Bool {
        lhs.millisecondsSinceEpoch < rhs.millisecondsSinceEpoch
    }

    /// The tag value, e.g. `2011-10-19T16:40:51.620Z`. Years outside 0000–9999 are
    /// written modulo 10000 (the format has four digits).
    public var tagValue: String {
        ServerTimeFormat.format(millisecondsSinceEpoch)
    }

    public var description: String { tagValue }
}
