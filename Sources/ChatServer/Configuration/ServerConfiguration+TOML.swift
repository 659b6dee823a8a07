import Foundation
import TOMLKit
import TOMLSyntax

extension ServerConfiguration {
    /// The defaults with the TOML file at `path` applied.
    ///
    /// - Throws: ``ConfigurationError``, see ``apply(tomlAt:)``.
    public static func load(tomlAt path: String) throws(ConfigurationError) -> ServerConfiguration {
        var configuration = ServerConfiguration()
        try configuration.apply(tomlAt: path)
        return configuration
    }

    /// Overrides the settings the TOML file at `path` names, leaving the others as they
    /// are, so that command-line flags can be applied afterwards.
    ///
    /// - Throws: ``ConfigurationError`` `.fileUnreadable` (`path: cannot read: …`), or an
    ///   error of ``apply(toml:path:)``.
    public mutating func apply(tomlAt path: String) throws(ConfigurationError) {
        let bytes = try FileContents.bytes(atPath: path, fix: "check the configuration file's path")
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw ConfigurationError(.syntax, "\(path):1: not valid UTF-8; save the file as UTF-8")
        }
        try self.apply(toml: text, path: path)
        self.configurationFile = path
    }

    /// Overrides the settings named in the TOML document `text`, read from `path`.
    ///
    /// Keys are the long command-line flags in snake_case (`client_ca`, `log_level`), with
    /// timeouts, rates and sizes in a `[limits]` table; durations are seconds. Relative
    /// paths are resolved against the folder of `path`. Either every setting is applied
    /// or, on error, none.
    ///
    /// - Throws: ``ConfigurationError`` for the first problem in the file, as
    ///   `path:line: what is wrong`: a TOML syntax error, an unknown key (with the closest
    ///   known one), a wrong type or an out-of-range value.
    public mutating func apply(toml text: String, path: String) throws(ConfigurationError) {
        let root = try TOMLTable.parsing(text, path: path) { ConfigurationError(.syntax, $0) }

        let locator = TOMLKeyLocator(text: text)
        let directory = Self.absoluteDirectory(of: path)
        func field(_ keyPath: [String], _ value: TOMLValue) -> TOMLField {
            TOMLField(
                key: keyPath.joined(separator: "."), value: TOMLField.Value(value),
                location: "\(path):\(locator.line(of: keyPath))", directory: directory)
        }

        // Settle what each key means first, then apply in file order, so that the error
        // reported is the first problem a person reading the file would meet.
        var pending: [(line: Int, setting: TOMLSetting, field: TOMLField)] = []
        for (key, value) in root {
            if let table = TOMLSetting.tables.first(where: { $0.name == key }) {
                let tableField = field([key], value.tomlValue)
                guard case .table(let entries) = tableField.value else {
                    throw tableField.wrongType("a table: [\(key)] on its own line, then one setting per line")
                }
                for (entryKey, entryValue) in entries {
                    let entry = field([key, entryKey], entryValue.tomlValue)
                    let line = locator.line(of: [key, entryKey])
                    guard let setting = table.settings.first(where: { $0.key == entryKey }) else {
                        throw Self.unknownKey(entryKey, in: key, at: entry.location)
                    }
                    pending.append((line, setting, entry))
                }
            } else if key == Self.operatorsTable {
                // Its keys are the operators themselves, not settings.
                let table = field([key], value.tomlValue)
                let operators = Result { () throws(ConfigurationError) in
                    try Self.operators(in: table) { entryKey, entryValue in field([key, entryKey], entryValue) }
                }
                let setting = TOMLSetting(key) { configuration, _ throws(ConfigurationError) in
                    configuration.operators = try operators.get()
                }
                pending.append((locator.line(of: [key]), setting, table))
            } else {
                let entry = field([key], value.tomlValue)
                guard let setting = TOMLSetting.root.first(where: { $0.key == key }) else {
                    throw Self.unknownKey(key, in: nil, at: entry.location)
                }
                pending.append((locator.line(of: [key]), setting, entry))
            }
        }

        var updated = self
        for item in pending.sorted(by: { $0.line < $1.line }) {
            try item.setting.apply(&updated, item.field)
        }
        if updated.logsDirectory == nil {
            updated.logsDirectory = TOMLField.resolve("logs", against: directory)
        }
        if updated.dataDirectory == nil {
            updated.dataDirectory = TOMLField.resolve("data", against: directory)
        }
        self = updated
    }

    /// An unknown key, with the closest known one or the table it belongs in.
    private static func unknownKey(_ key: String, in table: String?, at location: String) -> ConfigurationError {
        let tables = TOMLSetting.tables
        let known = table.map { name in tables.first { $0.name == name }?.settings.map(\.key) ?? [] }
            ?? TOMLSetting.root.map(\.key) + tables.map(\.name) + [operatorsTable]
        let written = table.map { "\($0).\(key)" } ?? key
        var hint: String
        if let home = tables.first(where: { $0.name != table && $0.settings.contains { $0.key == key } }) {
            hint = "it belongs in the [\(home.name)] table"
        } else if table != nil, TOMLSetting.root.contains(where: { $0.key == key }) {
            hint = "it belongs at the top of the file, before any [table]"
        } else if let match = closestMatch(to: key, in: known) {
            hint = "did you mean '\(match)'?"
        } else {
            hint = "known keys here: " + known.joined(separator: ", ")
        }
        return ConfigurationError(.unknownKey, "\(location): unknown key '\(written)'; \(hint)")
    }

    /// The absolute folder holding the file at `path`.
    static func absoluteDirectory(of path: String) -> String {
        let absolute = path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
        guard let slash = absolute.lastIndex(of: "/") else { return "/" }
        return slash == absolute.startIndex ? "/" : String(absolute[..<slash])
    }
}
