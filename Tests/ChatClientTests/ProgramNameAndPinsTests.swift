@testable import ChatClient
import Foundation
import TLS
import TestSupport
import Testing

@Suite struct ProgramNameAndPinsTests {
    @Test func hintsNameTheCommandAsTheUserCanRunIt() throws {
        let folder = try makeTemporaryDirectory(prefix: "bin")
        defer { removeTemporaryDirectory(folder) }
        let bin = folder.path(percentEncoded: false)
        let program = bin + "/securechat"
        _ = FileManager.default.createFile(atPath: program, contents: Data("#!/bin/sh\n".utf8), attributes: [.posixPermissions: 0o755])
        #expect(ProgramName.resolve(argv0: "securechat", searchPath: "/usr/bin") == "securechat")
        #expect(ProgramName.resolve(argv0: ".build/release/securechat", searchPath: "/usr/bin:/bin") == ".build/release/securechat")
        #expect(ProgramName.resolve(argv0: program, searchPath: "/nowhere:" + bin) == "securechat")
        #expect(ProgramName.resolve(argv0: "/tmp/xctest", searchPath: "") == "securechat")
        #expect(ProgramName.shellQuoted("/home/a b/c.toml") == "'/home/a b/c.toml'")
        #expect(ProgramName.shellQuoted("sha256//ab+c/d=") == "sha256//ab+c/d=")
    }

    @Test(arguments: [
        ("server = \"x\"\npin = \"sha256//old\"\nnick = \"a\"\n", "server = \"x\"\nPIN\nnick = \"a\"\n"),
        ("# c\npin = [\n  \"sha256//a\",\n  \"sha256//b\",\n]\nnick = \"a\"\n", "# c\nPIN\nnick = \"a\"\n"),
        ("server = \"x\"\n", "server = \"x\"\nPIN\n"),
    ])
    func onlyThePinLinesAreReplaced(_ item: (String, String)) throws {
        let pki = try TestPKI()
        let pin = try pki.server.info().publicKeyFingerprint
        let expected = item.1.replacingOccurrences(of: "PIN", with: "pin = [\"\(pin)\"]")
        #expect(ClientConfiguration.replacingPins(in: item.0, with: [pin]) == expected)
    }
}
