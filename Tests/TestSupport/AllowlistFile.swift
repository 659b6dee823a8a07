import Foundation
import TLS

/// An allowlist file for tests, binding nicks to their ``TestPKI`` client certificates.
///
/// Writes replace the file by write-and-rename, as editors save, so a server watching it
/// never reads half a file.
public struct AllowlistFile: Sendable {
    public let url: URL
    public let pki: TestPKI

    public init(url: URL, pki: TestPKI) {
        self.url = url
        self.pki = pki
    }

    public var path: String { self.url.path(percentEncoded: false) }

    /// The allowlist line binding `nick` to its test certificate.
    public func line(_ nick: String) throws -> String {
        "\(nick) \(try self.pki.client(nick).info().fingerprint)"
    }

    /// Replaces the file with a comment and one line for each of `nicks`.
    public func write(_ nicks: [String]) throws {
        var text = "# test allowlist\n"
        for nick in nicks { text += "\(try self.line(nick))\n" }
        try self.write(text: text)
    }

    /// Replaces the file with `text` as it is.
    public func write(text: String) throws {
        let temporary = self.url.appendingPathExtension("new")
        try Data(text.utf8).write(to: temporary)
        try replaceFile(self.url, with: temporary)
    }
}

/// Atomically replaces `destination` with `source` (rename(2)), as editors save files.
public func replaceFile(_ destination: URL, with source: URL) throws {
    guard rename(source.path(percentEncoded: false), destination.path(percentEncoded: false)) == 0 else {
        throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: destination.path(percentEncoded: false)])
    }
}
