import Foundation
import TOMLKit

/// One value from the configuration file, with what a message about it needs: its key
/// as written in TOML (`port`, `limits.sendq`), its `path:line`, and the file's folder.
///
/// The readers check the type and range and throw ``ConfigurationError`` with the
/// location, so each setting is a single line in the key table.
struct TOMLField {
    /// A TOML value reduced to what the server settings use.
    enum Value {
        case string(String)
        case integer(Int)
        case float(Double)
        case boolean(Bool)
        case table(TOMLTable)
        case array(TOMLArray)
        /// Dates and times: no setting takes them.
        case other(TOMLType)

        init(_ value: TOMLValue) {
            switch value.type {
            case .string: self = value.string.map(Value.string) ?? .other(.string)
            case .int: self = value.int.map(Value.integer) ?? .other(.int)
            case .double: self = value.double.map(Value.float) ?? .other(.double)
            case .bool: self = value.bool.map(Value.boolean) ?? .other(.bool)
            case .table: self = value.table.map(Value.table) ?? .other(.table)
            case .array: self = value.array.map(Value.array) ?? .other(.array)
            case let type: self = .other(type)
            }
        }

        /// What a person would call this value's type.
        var typeName: String {
            switch self {
            case .string: "a string"
            case .integer: "an integer"
            case .float: "a floating-point number"
            case .boolean: "a boolean"
            case .table: "a table"
            case .array, .other(.array): "an array"
            case .other(let type): "a \(type)"
            }
        }
    }

    let key: String
    let value: Value
    /// `path:line` of the key.
    let location: String
    /// Absolute folder of the configuration file, for relative paths.
    let directory: String

    func string() throws(ConfigurationError) -> String {
        guard case .string(let text) = self.value else { throw self.wrongType("a string (in quotes)") }
        return text
    }

    /// A string that must not be empty nor contain spaces (names sent in IRC messages).
    func word() throws(ConfigurationError) -> String {
        let text = try self.string()
        guard !text.isEmpty, !text.contains(where: { $0 == " " || $0 == "," || $0 == ":" || $0.isNewline }) else {
            throw self.invalid("must be a non-empty name without spaces, commas or colons, not \"\(text)\"")
        }
        return text
    }

    /// A string that must not be empty nor contain spaces (host names and addresses).
    func address() throws(ConfigurationError) -> String {
        let text = try self.string()
        guard !text.isEmpty, !text.contains(where: { $0 == " " || $0.isNewline }) else {
            throw self.invalid("must be a host name or IP address, not \"\(text)\"")
        }
        return text
    }

    /// A file path, resolved against the configuration file's folder when relative.
    func path() throws(ConfigurationError) -> String {
        let text = try self.string()
        guard !text.isEmpty else { throw self.invalid("must be a file path, not an empty string") }
        return Self.resolve(text, against: self.directory)
    }

    /// An optional file path: an empty string means none.
    func optionalPath() throws(ConfigurationError) -> String? {
        let text = try self.string()
        return text.isEmpty ? nil : Self.resolve(text, against: self.directory)
    }

    func integer(in range: ClosedRange<Int>) throws(ConfigurationError) -> Int {
        guard case .integer(let number) = self.value else { throw self.wrongType("an integer") }
        guard range.contains(number) else { throw self.invalid("must be \(Self.describe(range)), not \(number)") }
        return number
    }

    func boolean() throws(ConfigurationError) -> Bool {
        guard case .boolean(let flag) = self.value else { throw self.wrongType("true or false (without quotes)") }
        return flag
    }

    /// A positive number, integer or not, at most `maximum`.
    func positiveNumber(atMost maximum: Double) throws(ConfigurationError) -> Double {
        let number: Double
        switch self.value {
        case .integer(let integer): number = Double(integer)
        case .float(let float): number = float
        default: throw self.wrongType("a number")
        }
        guard number > 0, number <= maximum else {
            throw self.invalid("must be greater than 0 and at most \(Self.format(maximum)), not \(Self.format(number))")
        }
        return number
    }

    /// A duration written as a number of seconds (`10`, `2.5`), greater than 0, at most a day.
    func seconds() throws(ConfigurationError) -> Duration {
        switch self.value {
        case .integer, .float: return .seconds(try self.positiveNumber(atMost: 86_400))
        default: throw self.wrongType("a number of seconds")
        }
    }

    /// A duration written as a number of seconds, greater than 0, at most `maximum` seconds.
    func seconds(atMost maximum: Double) throws(ConfigurationError) -> Duration {
        switch self.value {
        case .integer, .float: return .seconds(try self.positiveNumber(atMost: maximum))
        default: throw self.wrongType("a number of seconds")
        }
    }

    /// One of the raw values of `T`, listed in the message when the value is another.
    func choice<T: RawRepresentable & CaseIterable>(of _: T.Type) throws(ConfigurationError) -> T
    where T.RawValue == String {
        let choices = T.allCases.map { "\"\($0.rawValue)\"" }.joined(separator: ", ")
        guard case .string(let text) = self.value else { throw self.wrongType("one of the strings \(choices)") }
        guard let choice = T(rawValue: text.lowercased()) else {
            throw self.invalid("must be one of \(choices), not \"\(text)\"")
        }
        return choice
    }

    func wrongType(_ expected: String) -> ConfigurationError {
        ConfigurationError(.wrongType, "\(self.location): \(self.key) must be \(expected), not \(self.value.typeName)")
    }

    func invalid(_ what: String) -> ConfigurationError {
        ConfigurationError(.invalidValue, "\(self.location): \(self.key) \(what)")
    }

    /// `path` unchanged when absolute, `~/…` under $HOME, otherwise inside `directory`.
    static func resolve(_ path: String, against directory: String) -> String {
        if path.hasPrefix("/") { return path }
        if path.hasPrefix("~/"), let home = ProcessInfo.processInfo.environment["HOME"] {
            return home + path.dropFirst()
        }
        let relative = path.hasPrefix("./") ? String(path.dropFirst(2)) : path
        return directory.hasSuffix("/") ? directory + relative : directory + "/" + relative
    }

    private static func describe(_ range: ClosedRange<Int>) -> String {
        range.upperBound == Int.max ? "at least \(range.lowerBound)" : "between \(range.lowerBound) and \(range.upperBound)"
    }

    private static func format(_ number: Double) -> String {
        number == number.rounded() && abs(number) < 1e15 ? String(Int(number)) : String(number)
    }
}
