#if canImport(Darwin)
import Darwin
#elseif canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// An instant as the IRCv3 `server-time` tag writes it: `YYYY-MM-DDThh:mm:ss.sssZ`, UTC.
///
/// Formatted by arithmetic on milliseconds since the Unix epoch (no calendar object,
/// no `DateFormatter`, no locale), into one 24-byte string: cheap enough to stamp every
/// message sent to a client that enabled `server-time`.
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
        let (days, millisecondsOfDay) = millisecondsSinceEpoch.quotientAndFlooredRemainder(dividingBy: 86_400_000)
        let (year, month, day) = Self.civilDate(daysSinceEpoch: days)
        let secondsOfDay = Int(millisecondsOfDay / 1000)
        let milliseconds = Int(millisecondsOfDay % 1000)
        return String(unsafeUninitializedCapacity: 24) { out in
            func put(_ value: Int, digits: Int, at offset: Int) {
                var value = value
                for position in stride(from: offset + digits - 1, through: offset, by: -1) {
                    out[position] = UInt8(ascii: "0") + UInt8(value % 10)
                    value /= 10
                }
            }
            put(Int(((year % 10000) + 10000) % 10000), digits: 4, at: 0)
            out[4] = UInt8(ascii: "-")
            put(month, digits: 2, at: 5)
            out[7] = UInt8(ascii: "-")
            put(day, digits: 2, at: 8)
            out[10] = UInt8(ascii: "T")
            put(secondsOfDay / 3600, digits: 2, at: 11)
            out[13] = UInt8(ascii: ":")
            put(secondsOfDay / 60 % 60, digits: 2, at: 14)
            out[16] = UInt8(ascii: ":")
            put(secondsOfDay % 60, digits: 2, at: 17)
            out[19] = UInt8(ascii: ".")
            put(milliseconds, digits: 3, at: 20)
            out[23] = UInt8(ascii: "Z")
            return 24
        }
    }

    public var description: String { tagValue }

    /// Proleptic Gregorian year, month (1–12) and day (1–31) of a day count from
    /// 1970-01-01 (Howard Hinnant's `civil_from_days`).
    static func civilDate(daysSinceEpoch days: Int64) -> (year: Int64, month: Int, day: Int) {
        let shifted = days + 719_468
        let era = (shifted >= 0 ? shifted : shifted - 146_096) / 146_097
        let dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let day = Int(dayOfYear - (153 * monthIndex + 2) / 5 + 1)
        let month = Int(monthIndex < 10 ? monthIndex + 3 : monthIndex - 9)
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        return (year, month, day)
    }
}

extension Int64 {
    /// Quotient and remainder rounded towards negative infinity, so the remainder is
    /// never negative (instants before 1970 still get a time of day in `0..<divisor`).
    fileprivate func quotientAndFlooredRemainder(dividingBy divisor: Int64) -> (Int64, Int64) {
        let (quotient, remainder) = quotientAndRemainder(dividingBy: divisor)
        return remainder < 0 ? (quotient - 1, remainder + divisor) : (quotient, remainder)
    }
}
