import Foundation
import TLS
import TOMLKit
import TOMLSyntax

extension ClientConfiguration {
    /// The keys a configuration file may hold, in the order ``tomlText`` writes them.
    static let tomlKeys = ["server", "port", "cert", "key", "pin", "nick", "rooms", "known_servers", "expiry_warning_days"]

    /// The defaults with the file at `path` applied; a missing file at the default path is
    /// the same as an empty one, so flags alone are enough.
    ///
    /// - Throws: ``ChatClientError`` `.configuration` as `path:line: what is wrong; fix`.
    public static func load(path: String, missingIsEmpty: Bool) throws(ChatClientError) -> ClientConfiguration {
        var configuration = ClientConfiguration()
        configuration.file = path
        guard FileManager.default.fileExists(atPath: path) else {
            if missingIsEmpty { return configuration }
            throw ChatClientError(.configuration, "\(path): no such file; run \(ProgramName.current) setup or check --config")
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ChatClientError(.configuration, "\(path): cannot read; check its permissions")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw ChatClientError(.configuration, "\(path):1: not valid UTF-8; save the file as UTF-8")
        }
        try configuration.apply(toml: text, path: path)
        return configuration
    }

    /// Overrides the settings named in the TOML document `text` (read from `path`).
    /// Relative paths are resolved against the folder of `path`; `~/` is the home folder.
    ///
    /// - Throws: ``ChatClientError`` `.configuration` for the first problem, as
    ///   `path:line: …`: a syntax error, an unknown key, a wrong type or a bad pin.
    public mutating func apply(toml text: String, path: String) throws(ChatClientError) {
        let root = try TOMLTable.parsing(text, path: path) { ChatClientError(.configuration, $0) }
        let lines = Self.keyLines(text)
        let directory = (path as NSString).deletingLastPathComponent
        var updated = self
        for (key, value) in root {
            let location = "\(path):\(lines[key] ?? 1)"
            func string() throws(ChatClientError) -> String {
                guard let string = value.string else {
                    throw ChatClientError(.configuration, "\(location): \(key) must be a string in quotes, e.g. \(key) = \"…\"")
                }
                return string
            }
            func strings() throws(ChatClientError) -> [String] {
                if let single = value.string { return [single] }
                guard let array = value.array else {
                    throw ChatClientError(.configuration, "\(location): \(key) must be a list of strings, e.g. \(key) = [\"…\"]")
                }
                var result: [String] = []
                for element in array {
                    guard let string = element.string else {
                        throw ChatClientError(.configuration, "\(location): every element of \(key) must be a string in quotes")
                    }
                    result.append(string)
                }
                return result
            }
            func integer(_ range: ClosedRange<Int>) throws(ChatClientError) -> Int {
                guard let number = value.int, range.contains(number) else {
                    throw ChatClientError(
                        .configuration, "\(location): \(key) must be a whole number from \(range.lowerBound) to \(range.upperBound)")
                }
                return number
            }
            switch key {
            case "server": updated.host = try string()
            case "port": updated.port = try integer(1...65535)
            case "cert": updated.certificatePath = Self.resolve(try string(), in: directory)
            case "key": updated.privateKeyPath = Self.resolve(try string(), in: directory)
            case "nick": updated.nick = try string()
            case "rooms":
                updated.rooms = try strings().map { $0.hasPrefix("#") ? $0 : "#" + $0 }
            case "known_servers": updated.knownServersPath = Self.resolve(try string(), in: directory)
            case "expiry_warning_days": updated.expiryWarningDays = try integer(0...3650)
            case "pin":
                var pins: [Fingerprint] = []
                for text in try strings() {
                    do {
                        pins.append(try Fingerprint(parsing: text))
                    } catch {
                        throw ChatClientError(.configuration, "\(location): \(error.reason)")
                    }
                }
                updated.pins = pins
            default:
                throw ChatClientError(
                    .configuration, "\(location): unknown key '\(key)'; known keys: \(Self.tomlKeys.joined(separator: ", "))")
            }
        }
        self = updated
    }

    /// The configuration as a TOML document, for `securechat setup`.
    public var tomlText: String {
        var text = "# securechat client configuration\n"
        text += "server = \(Self.quoted(self.host))\n"
        text += "port = \(self.port)\n"
        text += "cert = \(Self.quoted(self.certificatePath))\n"
        text += "key = \(Self.quoted(self.privateKeyPath))\n"
        if !self.nick.isEmpty { text += "nick = \(Self.quoted(self.nick))\n" }
        if !self.pins.isEmpty {
            text += "# accepted server keys; several allow rotation\n"
            text += "pin = [" + self.pins.map { Self.quoted($0.description) }.joined(separator: ", ") + "]\n"
        }
        if !self.rooms.isEmpty {
            text += "rooms = [" + self.rooms.map(Self.quoted).joined(separator: ", ") + "]\n"
        }
        return text
    }

    /// Writes ``tomlText`` to `path`, creating its folder (0700); the file is 0600.
    ///
    /// - Throws: ``ChatClientError`` `.configuration` naming the path.
    public func write(toPath path: String) throws(ChatClientError) {
        try PrivateFile.write(self.tomlText, toPath: path, code: .configuration)
    }

    /// The first line on which each top-level key is assigned.
    static func keyLines(_ text: String) -> [String: Int] {
        var lines: [String: Int] = [:]
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let trimmed = line.drop { $0 == " " || $0 == "\t" }
            if trimmed.first == "[" { break }
            guard let equals = trimmed.firstIndex(of: "="), trimmed.first != "#" else { continue }
            var key = trimmed[..<equals].trimmingCharacters(in: .whitespaces)
            if key.count >= 2, key.first == "\"", key.last == "\"" { key = String(key.dropFirst().dropLast()) }
            if lines[key] == nil { lines[key] = index + 1 }
        }
        return lines
    }

    static func resolve(_ path: String, in directory: String) -> String {
        if path.hasPrefix("~/") {
            return FileManager.default.homeDirectoryForCurrentUser.path + String(path.dropFirst(1))
        }
        if path.hasPrefix("/") || path.isEmpty { return path }
        return directory.isEmpty ? path : directory + "/" + path
    }

    static func quoted(_ text: String) -> String {
        var result = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\t": result += "\\t"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7f {
                    result += String(format: "\\u%04X", scalar.value)
                } else {
                    result.unicodeScalars.append(scalar)
                }
            }
        }
        return result + "\""
    }
}
