/// The IRCv3 `server-time` format, `YYYY-MM-DDThh:mm:ss.sssZ` in UTC, to and from
/// milliseconds since the Unix epoch.
///
/// Done by arithmetic on days (Howard Hinnant's civil-date algorithms): no calendar,
/// `DateFormatter` or locale, and no floating point, so parsing is exact to the
/// millisecond and formatting is cheap enough to stamp every message a client receives.
public enum ServerTimeFormat {
    /// `milliseconds` since the Unix epoch as `YYYY-MM-DDThh:mm:ss.sssZ`, 24 bytes. Years
    /// outside 0000–9999 are written modulo 10000 (the format has four digits).
    public static func format(_ milliseconds: Int64) -> String {
        let (days, millisecondsOfDay) = milliseconds.quotientAndFlooredRemainder(dividingBy: 86_400_000)
        let (year, month, day) = civilDate(daysSinceEpoch: days)
        let secondsOfDay = Int(millisecondsOfDay / 1000)
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
            put(Int(month), digits: 2, at: 5)
            out[7] = UInt8(ascii: "-")
            put(Int(day), digits: 2, at: 8)
            out[10] = UInt8(ascii: "T")
            put(secondsOfDay / 3600, digits: 2, at: 11)
            out[13] = UInt8(ascii: ":")
            put(secondsOfDay / 60 % 60, digits: 2, at: 14)
            out[16] = UInt8(ascii: ":")
            put(secondsOfDay % 60, digits: 2, at: 17)
            out[19] = UInt8(ascii: ".")
            put(Int(millisecondsOfDay % 1000), digits: 3, at: 20)
            out[23] = UInt8(ascii: "Z")
            return 24
        }
    }

    /// Milliseconds since the Unix epoch for `text`, or `nil` unless it is exactly
    /// `YYYY-MM-DDThh:mm:ss.sssZ` with fields in range. Safe on any input.
    public static func parse(_ text: some StringProtocol) -> Int64? {
        let bytes = Array(text.utf8)
        guard bytes.count == 24,
            bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-"),
            bytes[10] == UInt8(ascii: "T"), bytes[13] == UInt8(ascii: ":"),
            bytes[16] == UInt8(ascii: ":"), bytes[19] == UInt8(ascii: "."),
            bytes[23] == UInt8(ascii: "Z")
        else { return nil }
        func number(_ start: Int, _ count: Int) -> Int64? {
            var value: Int64 = 0
            for byte in bytes[start..<start + count] {
                guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
                value = value * 10 + Int64(byte - UInt8(ascii: "0"))
            }
            return value
        }
        guard let year = number(0, 4), let month = number(5, 2), let day = number(8, 2),
            let hour = number(11, 2), let minute = number(14, 2), let second = number(17, 2),
            let millisecond = number(20, 3),
            (1...12).contains(month), (1...daysIn(month: month, year: year)).contains(day),
            hour < 24, minute < 60, second < 60
        else { return nil }
        let days = daysSinceEpoch(year: year, month: month, day: day)
        return ((days * 24 + hour) * 60 + minute) * 60_000 + second * 1000 + millisecond
    }

    private static func isLeap(_ year: Int64) -> Bool {
        year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
    }

    private static func daysIn(month: Int64, year: Int64) -> Int64 {
        switch month {
        case 2: isLeap(year) ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// Days from 1970-01-01 to a proleptic Gregorian date (`days_from_civil`).
    private static func daysSinceEpoch(year: Int64, month: Int64, day: Int64) -> Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    /// Proleptic Gregorian year, month (1–12) and day (1–31) of a day count from
    /// 1970-01-01 (`civil_from_days`).
    private static func civilDate(daysSinceEpoch days: Int64) -> (year: Int64, month: Int64, day: Int64) {
        let shifted = days + 719_468
        let era = (shifted >= 0 ? shifted : shifted - 146_096) / 146_097
        let dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
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
