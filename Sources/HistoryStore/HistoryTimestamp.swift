/// The IRCv3 time format `YYYY-MM-DDThh:mm:ss.sssZ` (UTC) to and from milliseconds.
///
/// Done by arithmetic on days (Howard Hinnant's civil-date algorithms), so parsing is
/// exact to the millisecond and needs no calendar, locale or floating point.
public enum HistoryTimestamp {
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

    /// `milliseconds` since the Unix epoch as `YYYY-MM-DDThh:mm:ss.sssZ`. Years outside
    /// 0000–9999 are written modulo 10000 (the format has four digits).
    public static func format(_ milliseconds: Int64) -> String {
        let (days, ofDay) = milliseconds.quotientAndFlooredRemainder(dividingBy: 86_400_000)
        let (year, month, day) = civilDate(daysSinceEpoch: days)
        let fields: [(Int64, Int)] = [
            ((year % 10000 + 10000) % 10000, 4), (month, 2), (day, 2),
            (ofDay / 3_600_000, 2), (ofDay / 60_000 % 60, 2), (ofDay / 1000 % 60, 2), (ofDay % 1000, 3),
        ]
        let separators = ["-", "-", "T", ":", ":", ".", "Z"]
        var text = ""
        text.reserveCapacity(24)
        for ((value, width), separator) in zip(fields, separators) {
            let digits = String(value)
            text += String(repeating: "0", count: max(0, width - digits.count)) + digits + separator
        }
        return text
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

    private static func daysSinceEpoch(year: Int64, month: Int64, day: Int64) -> Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    private static func civilDate(daysSinceEpoch days: Int64) -> (year: Int64, month: Int64, day: Int64) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }
}

extension Int64 {
    /// Quotient and remainder with the remainder in `0..<divisor` (floored division).
    fileprivate func quotientAndFlooredRemainder(dividingBy divisor: Int64) -> (Int64, Int64) {
        let (quotient, remainder) = self.quotientAndRemainder(dividingBy: divisor)
        return remainder < 0 ? (quotient - 1, remainder + divisor) : (quotient, remainder)
    }
}
