import ChatServer
import Foundation
import TLS
import TestSupport
import Testing

@Suite("Allowlist parsing")
struct AllowlistParsingTests {
    static let hexA = String(repeating: "ab", count: 32)
    static let hexB = String(repeating: "0c", count: 32)
    static let colonUpperA = Array(repeating: "AB", count: 32).joined(separator: ":")
    static let base64B = Data(repeating: 0x0c, count: 32).base64EncodedString()
    static let a = Fingerprint(kind: .certificate, digest: Array(repeating: 0xab, count: 32))
    static let keyB = Fingerprint(kind: .publicKey, digest: Array(repeating: 0x0c, count: 32))

    /// A text, and the bindings (nick, fingerprint) it must produce in order.
    @Test(arguments: [
        ("alice sha256:\(hexA)", [("alice", a)]),
        ("alice sha256:\(colonUpperA)", [("alice", a)]),
        ("alice SHA256:\(hexA.uppercased())", [("alice", a)]),
        ("alice SHA256 Fingerprint=\(colonUpperA)", [("alice", a)]),
        ("alice \(hexA)", [("alice", a)]),
        ("alice \(colonUpperA)", [("alice", a)]),
        ("alice spki:\(hexB)", [("alice", keyB)]),
        ("alice sha256//\(base64B)", [("alice", keyB)]),
        ("  \talice \t sha256:\(hexA)  \t", [("alice", a)]),
        ("# admins\n\nalice sha256:\(hexA) # laptop\n   # indented comment\n", [("alice", a)]),
        ("alice sha256:\(hexA)\t# tab before comment", [("alice", a)]),
        ("alice sha256:\(hexA)\r\nbob spki:\(hexB)\r\n", [("alice", a), ("bob", keyB)]),
        ("\u{FEFF}alice sha256:\(hexA)\n", [("alice", a)]),
        ("alice sha256:\(hexA)\nalice spki:\(hexB)", [("alice", a), ("alice", keyB)]),
        ("alice sha256:\(hexA)\nalice-bot sha256:\(hexA)", [("alice", a), ("alice-bot", a)]),
        ("alice sha256:\(hexA)\nalice sha256:\(hexA)\nALICE \(colonUpperA)", [("alice", a)]),
        ("[x]_`^{|}\\-9 sha256:\(hexA)", [("[x]_`^{|}\\-9", a)]),
        ("", []),
        ("\n\n# nobody yet\n", []),
        ("#alice sha256:\(hexA)", []),
    ] as [(String, [(String, Fingerprint)])])
    func acceptedText(text: String, expected: [(String, Fingerprint)]) throws {
        let allowlist = try Allowlist(parsing: text, path: "allow.txt")
        #expect(allowlist.entries.map(\.nick) == expected.map(\.0))
        #expect(allowlist.entries.map(\.fingerprint) == expected.map(\.1))
        #expect(allowlist.isEmpty == expected.isEmpty)
    }

    @Test func entriesRememberTheirLines() throws {
        let allowlist = try Allowlist(parsing: "# c\n\nalice sha256:\(Self.hexA)\r\nbob spki:\(Self.hexB)", path: "a")
        #expect(allowlist.entries.map(\.line) == [3, 4])
        #expect(allowlist.path == "a")
    }

    /// A text, the error code, and the exact start of the message.
    static let malformed: [ConfigurationRefusal] = [
        ConfigurationRefusal("alice", .missingFingerprint, "allow.txt:1: 'alice' has no fingerprint"),
        ConfigurationRefusal("alice # sha256:\(hexA)", .missingFingerprint, "allow.txt:1: 'alice' has no fingerprint"),
        ConfigurationRefusal("# ok\nalice sha256:abcd", .invalidFingerprint, "allow.txt:2: 'sha256:abcd' is not a fingerprint"),
        ConfigurationRefusal("alice sha256:\(hexA)z", .invalidFingerprint, "allow.txt:1: 'sha256:\(hexA)z' is not a fingerprint"),
        ConfigurationRefusal("alice sha256:\(hexA)#laptop", .invalidFingerprint, "allow.txt:1: 'sha256:\(hexA)#laptop' is not"),
        ConfigurationRefusal("ok sha256:\(hexA)\n\n9lives sha256:\(hexA)", .invalidNickname, "allow.txt:3: '9lives' is not a valid nickname"),
        ConfigurationRefusal("al!ce sha256:\(hexA)", .invalidNickname, "allow.txt:1: 'al!ce' is not a valid nickname; a nickname is"),
        ConfigurationRefusal("-x sha256:\(hexA)", .invalidNickname, "allow.txt:1: '-x' is not a valid nickname"),
        ConfigurationRefusal(String(repeating: "n", count: 31) + " sha256:\(hexA)", .invalidNickname, "allow.txt:1: 'nnnn"),
        ConfigurationRefusal("sha256:\(hexA) alice", .invalidNickname, "allow.txt:1: the line starts with a fingerprint; write the nickname first"),
        ConfigurationRefusal("alice sha256:\(hexA) laptop", .tooManyFields, "allow.txt:1: expected NICK FINGERPRINT, found 3 fields"),
        ConfigurationRefusal("alice sha256:ab ab ab", .tooManyFields, "allow.txt:1: expected NICK FINGERPRINT, found 4 fields"),
        ConfigurationRefusal("alice\r\nbob sha256:\(hexA)\r\ncarol x y", .missingFingerprint, "allow.txt:1:"),
        ConfigurationRefusal("a sha256:\(hexA)\r\nbob sha256:\(hexA)\r\ncarol x y", .tooManyFields, "allow.txt:3: expected"),
    ]

    @Test(arguments: malformed)
    func malformedLineRejectsTheFile(_ refusal: ConfigurationRefusal) throws {
        try refusal.expectRefused { _ = try Allowlist(parsing: $0, path: "allow.txt") }
    }

    @Test func badFingerprintMessageCarriesFingerprintReasonAndSpellings() throws {
        let error = try #require(throws: ConfigurationError.self) { try Allowlist(parsing: "bob sha256:12", path: "p") }
        #expect(error.reason.contains("64 hex digits"))
        #expect(error.reason.contains("spki:HEX"))
    }

    @Test func invalidNicknameMessageSaysWhatIsAllowed() throws {
        let error = try #require(throws: ConfigurationError.self) { try Allowlist(parsing: "b@b spki:\(Self.hexB)", path: "p") }
        #expect(error.reason.contains("ASCII letters, digits, - and [ ] \\ ` _ ^ { | }"))
    }

    @Test func errorsAreEqualByCode() {
        #expect(ConfigurationError(.tooManyFields, "a") == ConfigurationError(.tooManyFields, "b"))
        #expect(ConfigurationError(.tooManyFields, "a") != ConfigurationError(.missingFingerprint, "a"))
    }
}

@Suite("Allowlist files")
struct AllowlistFileTests {
    let directory: URL
    init() throws { self.directory = try makeTemporaryDirectory(prefix: "allowlist-tests") }

    private func write(_ bytes: [UInt8], named name: String = "allow.txt") throws -> String {
        let url = self.directory.appendingPathComponent(name)
        try Data(bytes).write(to: url)
        return url.path
    }

    @Test func loadsAFileWithBOMAndCRLF() throws {
        defer { removeTemporaryDirectory(self.directory) }
        let text = "\u{FEFF}# team\r\nalice spki:\(AllowlistParsingTests.hexB)\r\n"
        let path = try self.write(Array(text.utf8))
        let allowlist = try Allowlist.load(path: path)
        #expect(allowlist.entries.map(\.nick) == ["alice"])
        #expect(allowlist.path == path)
    }

    @Test func missingFileSaysCannotReadWithTheReason() throws {
        defer { removeTemporaryDirectory(self.directory) }
        let path = self.directory.appendingPathComponent("absent.txt").path
        let error = try #require(throws: ConfigurationError.self) { try Allowlist.load(path: path) }
        #expect(error.code == .fileUnreadable)
        #expect(error.reason.hasPrefix("\(path): cannot read: No such file or directory"))
        #expect(error.reason.contains("--allowlist"))
    }

    @Test func folderIsNotAnAllowlist() throws {
        defer { removeTemporaryDirectory(self.directory) }
        let error = try #require(throws: ConfigurationError.self) { try Allowlist.load(path: self.directory.path) }
        #expect(error.reason.hasPrefix("\(self.directory.path): cannot read: Is a directory"))
    }

    @Test func invalidUTF8IsReportedWithItsLine() throws {
        defer { removeTemporaryDirectory(self.directory) }
        let path = try self.write(Array("# ok\nalice sha256:\(AllowlistParsingTests.hexA)\n# caf".utf8) + [0xE9, 0x0A])
        let error = try #require(throws: ConfigurationError.self) { try Allowlist.load(path: path) }
        #expect(error.code == .invalidEncoding)
        #expect(error.reason.hasPrefix("\(path):3: not valid UTF-8"))
    }

    @Test func emptyFileIsAValidEmptyAllowlist() throws {
        defer { removeTemporaryDirectory(self.directory) }
        #expect(try Allowlist.load(path: try self.write([])).isEmpty)
    }

    /// The file watcher hands over what it read once the write was complete; the file
    /// may already hold something else (here: nothing at all).
    @Test func contentsReadByTheWatcherAreParsedInsteadOfTheFile() throws {
        defer { removeTemporaryDirectory(self.directory) }
        let path = self.directory.appendingPathComponent("absent.txt").path
        let allowlist = try Allowlist.load(path: path, contents: Array("alice spki:\(AllowlistParsingTests.hexB)\n".utf8))
        #expect(allowlist.entries.map(\.nick) == ["alice"])
        #expect(allowlist.path == path)
        let error = try #require(throws: ConfigurationError.self) { try Allowlist.load(path: path, contents: [0x61, 0xE9, 0x0A]) }
        #expect(error.code == .invalidEncoding)
    }
}
