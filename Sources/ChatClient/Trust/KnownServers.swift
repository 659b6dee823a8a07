import Foundation
import TLS

/// The servers whose keys the user accepted on first contact, one per line, as SSH's
/// known_hosts: `host:port sha256//BASE64`. Blank lines and `#` comments are kept.
public struct KnownServers: Sendable, Hashable {
    /// One accepted server key.
    public struct Entry: Hashable, Sendable {
        /// `host:port`.
        public let address: String
        public let key: Fingerprint
        /// 1-based line number in the file.
        public let line: Int
    }

    /// Where the entries were read from and are written to.
    public let path: String
    /// The file's lines as read, so rewriting keeps comments.
    private var lines: [String]

    /// Reads the file at `path`; a missing file holds no entries.
    ///
    /// - Throws: ``ChatClientError`` `.knownServers` when the file cannot be read or a line
    ///   is not `host:port sha256//BASE64` (as `path:line: …`).
    public init(path: String) throws(ChatClientError) {
        self.path = path
        guard FileManager.default.fileExists(atPath: path) else {
            self.lines = []
            return
        }
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
            throw ChatClientError(.knownServers, "\(path): cannot read; check its permissions")
        }
        self.lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if self.lines.last == "" { self.lines.removeLast() }
        _ = try self.entries()
    }

    /// Every entry, in file order.
    public func entries() throws(ChatClientError) -> [Entry] {
        var result: [Entry] = []
        for (index, line) in self.lines.enumerated() {
            let words = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
            guard let first = words.first, !first.hasPrefix("#") else { continue }
            guard words.count == 2, first.contains(":") else {
                throw ChatClientError(
                    .knownServers, "\(self.path):\(index + 1): expected 'host:port sha256//BASE64'; fix or delete the line")
            }
            let key: Fingerprint
            do {
                key = try Fingerprint(parsing: String(words[1]))
            } catch {
                throw ChatClientError(.knownServers, "\(self.path):\(index + 1): \(error.reason)")
            }
            result.append(Entry(address: String(first), key: key, line: index + 1))
        }
        return result
    }

    /// The entry for `address` (`host:port`), if any.
    public func entry(for address: String) -> Entry? {
        (try? self.entries())?.first { $0.address.lowercased() == address.lowercased() }
    }

    /// Records `key` for `address`, replacing an older entry, and writes the file
    /// (folders 0700, file 0600).
    public mutating func add(_ address: String, key: Fingerprint) throws(ChatClientError) {
        self.lines.removeAll { Self.address(of: $0)?.lowercased() == address.lowercased() }
        self.lines.append("\(address) \(key)")
        try self.save()
    }

    /// Removes the entry for `address` and writes the file; returns whether one was there.
    @discardableResult
    public mutating func remove(_ address: String) throws(ChatClientError) -> Bool {
        let before = self.lines.count
        self.lines.removeAll { Self.address(of: $0)?.lowercased() == address.lowercased() }
        guard self.lines.count != before else { return false }
        try self.save()
        return true
    }

    /// The refusal when a known server presents another key: both keys and both fixes.
    public func mismatch(_ entry: Entry, presented: Fingerprint, hints: ClientConfiguration = ClientConfiguration()) -> ChatClientError {
        ChatClientError(
            .knownServerMismatch,
            "the server at \(entry.address) presented key \(presented) but known_servers has \(entry.key); "
                + "this can mean someone is intercepting the connection. If the server's key was really changed, "
                + "remove the stale entry with: \(hints.command("forget", entry.address)) (or delete line \(entry.line) of \(self.path))"
        )
    }

    private func save() throws(ChatClientError) {
        let text = self.lines.isEmpty ? "" : self.lines.joined(separator: "\n") + "\n"
        try PrivateFile.write(text, toPath: self.path, code: .knownServers)
    }

    private static func address(of line: String) -> String? {
        guard let first = line.split(whereSeparator: { $0 == " " || $0 == "\t" }).first, !first.hasPrefix("#") else {
            return nil
        }
        return String(first)
    }
}
