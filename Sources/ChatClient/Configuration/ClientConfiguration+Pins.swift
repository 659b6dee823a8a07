import Foundation
import TLS

extension ClientConfiguration {
    /// Replaces the `pin` setting of the file at `path` and nothing else: the other lines,
    /// comments included, stay as they are. A file without `pin` gets it at the end.
    ///
    /// - Returns: the configuration the file now holds.
    /// - Throws: ``ChatClientError`` `.configuration` when the file cannot be read or
    ///   written, or does not read back (as `path:line: …`).
    @discardableResult
    public static func updatePins(_ pins: [Fingerprint], inFileAt path: String) throws(ChatClientError) -> ClientConfiguration {
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
            throw ChatClientError(.configuration, "\(path): cannot read; check that it exists and its permissions")
        }
        let updated = Self.replacingPins(in: text, with: pins)
        var configuration = try Self.load(path: path, missingIsEmpty: false)
        try configuration.apply(toml: updated, path: path)
        try PrivateFile.write(updated, toPath: path, code: .configuration)
        return configuration
    }

    /// `text` with its top-level `pin = …` (one line, or an array over several) replaced.
    static func replacingPins(in text: String, with pins: [Fingerprint]) -> String {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if lines.last == "" { lines.removeLast() }
        let assignment = "pin = [" + pins.map { Self.quoted($0.description) }.joined(separator: ", ") + "]"
        guard let number = Self.keyLines(text)["pin"] else {
            return (lines + [assignment]).joined(separator: "\n") + "\n"
        }
        let start = number - 1
        var end = start
        let first = lines[start]
        if let bracket = first.firstIndex(of: "["), !first[bracket...].contains("]") {
            while end + 1 < lines.count, !lines[end].contains("]") || end == start { end += 1 }
        }
        lines.replaceSubrange(start...end, with: [assignment])
        return lines.joined(separator: "\n") + "\n"
    }
}
