import ChatClient
import Foundation
import TLS
import TestSupport
import Testing

@Suite final class KnownServersTests {
    /// This test's own folder, removed with the suite instance.
    let directory: URL
    /// A known_servers file in it, not yet written.
    let path: String

    init() throws {
        self.directory = try makeTemporaryDirectory(prefix: "known")
        self.path = self.directory.appending(path: "known_servers").path(percentEncoded: false)
    }

    deinit {
        removeTemporaryDirectory(self.directory)
    }

    @Test func addLookupRemoveRoundTripWithPrivatePermissions() throws {
        let path = self.directory.appending(path: "new/folder/known_servers").path(percentEncoded: false)
        let pki = try TestPKI()
        let key = try pki.server.info().publicKeyFingerprint
        let other = try pki.client("x").info().publicKeyFingerprint

        var known = try KnownServers(path: path)
        #expect(known.entry(for: "chat:6697") == nil)
        try known.add("chat:6697", key: key)
        try known.add("other:7000", key: other)

        let reread = try KnownServers(path: path)
        #expect(reread.entry(for: "chat:6697")?.key == key)
        #expect(reread.entry(for: "CHAT:6697")?.line == 1)
        #expect(reread.entry(for: "other:7000")?.line == 2)
        let text = try String(contentsOfFile: path, encoding: .utf8)
        #expect(text == "chat:6697 \(key)\nother:7000 \(other)\n")

        let fileMode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
        let folderMode = try FileManager.default.attributesOfItem(atPath: (path as NSString).deletingLastPathComponent)[.posixPermissions] as? Int
        #expect(fileMode == 0o600)
        #expect(folderMode == 0o700)

        var editable = reread
        #expect(try editable.remove("chat:6697"))
        #expect(try !editable.remove("chat:6697"))
        #expect(try KnownServers(path: path).entry(for: "chat:6697") == nil)
    }

    @Test func commentsSurviveRewriting() throws {
        let pki = try TestPKI()
        let key = try pki.server.info().publicKeyFingerprint
        try "# my servers\n\nold:1 \(key)\n".write(toFile: path, atomically: true, encoding: .utf8)
        var known = try KnownServers(path: path)
        #expect(known.entry(for: "old:1")?.line == 3)
        try known.add("new:2", key: key)
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "# my servers\n\nold:1 \(key)\nnew:2 \(key)\n")
    }

    @Test func mismatchMessageNamesBothKeysAndBothFixes() throws {
        let pki = try TestPKI()
        let old = try pki.client("old").info().publicKeyFingerprint
        let new = try pki.server.info().publicKeyFingerprint
        var known = try KnownServers(path: path)
        try known.add("chat.example.com:6697", key: old)
        let entry = try #require(known.entry(for: "chat.example.com:6697"))
        let error = known.mismatch(entry, presented: new)
        #expect(error.code == .knownServerMismatch)
        #expect(
            error.reason.hasPrefix(
                "the server at chat.example.com:6697 presented key \(new) but known_servers has \(old);"))
        #expect(
            error.reason.hasSuffix(
                "remove the stale entry with: securechat forget chat.example.com:6697 (or delete line 1 of \(path))"))
    }

    @Test func badLineIsReportedWithItsNumber() throws {
        try "# ok\nchat:6697 sha256//notbase64\n".write(toFile: path, atomically: true, encoding: .utf8)
        #expect {
            _ = try KnownServers(path: path)
        } throws: { error in
            (error as? ChatClientError)?.reason.hasPrefix("\(path):2: ") == true
        }
    }
}
