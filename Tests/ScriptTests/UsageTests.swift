import Foundation
import Testing
import TestSupport

@Suite("gen-certs.sh usage")
struct UsageTests {
    @Test(arguments: [["client", "alice"], ["server", "chat.example.org"], ["crl"], ["revoke", "/dev/null"]])
    func commandsBeforeTheCAExplainWhatToRun(_ arguments: [String]) throws {
        try withCertFolder { folder in
            let result = try runGenCerts(["--dir", folder.path] + arguments)

            #expect(result.status == 1)
            let message = result.stderr.trimmingCharacters(in: .whitespacesAndNewlines)
            #expect(!message.contains("\n"), "one line: \(message)")
            #expect(message.hasPrefix("gen-certs.sh: no CA in "))
            #expect(message.hasSuffix("ca"))
            #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).isEmpty)
        }
    }

    @Test func unknownCommandPrintsUsage() throws {
        let result = try runGenCerts(["frobnicate"])
        #expect(result.status == 2)
        #expect(result.stderr.hasPrefix("gen-certs.sh: unknown command 'frobnicate'\n"))
        #expect(result.stderr.contains("Usage:"))
        #expect(result.stdout.isEmpty)
    }

    @Test func noCommandPrintsUsage() throws {
        let result = try runGenCerts([])
        #expect(result.status == 2)
        #expect(result.stderr.contains("Usage:"))
    }

    @Test(arguments: [["--help"], ["-h"], ["client", "--help"], ["--dir", "/nonexistent", "-h"]])
    func helpShowsExamplesFirst(_ arguments: [String]) throws {
        let result = try runGenCerts(arguments)
        #expect(result.status == 0)
        let lines = result.lines.filter { !$0.isEmpty }
        #expect(lines.count > 10)
        #expect(lines.dropFirst().first == "Examples:")
        for documented in ["sha256:HEX", "spki:HEX", "sha256//BASE64", "NICK sha256:HEX", "--dir DIR"] {
            #expect(result.stdout.contains(documented))
        }
    }

    @Test func dirMayFollowTheCommand() throws {
        try withCertFolder { folder in
            try requireSuccess(try runGenCerts(["ca", "--dir", folder.path]), "ca --dir")
            try requireSuccess(try runGenCerts(["client", "alice", "--dir=\(folder.path)"]), "client --dir=")
            #expect(folder.exists("ca.pem"))
            #expect(folder.exists("clients/alice.pem"))
        }
    }

    @Test func defaultFolderIsCertsNextToTheScriptsFolder() throws {
        try withCertFolder { repository in
            let scripts = repository.url.appendingPathComponent("scripts")
            try FileManager.default.createDirectory(at: scripts, withIntermediateDirectories: false)
            let copy = scripts.appendingPathComponent("gen-certs.sh").path
            try FileManager.default.copyItem(atPath: genCertsScript, toPath: copy)

            let result = try runCommand(copy, ["ca"], currentDirectory: URL(fileURLWithPath: "/"), timeout: 60)

            try requireSuccess(result, "ca without --dir")
            #expect(repository.exists("certs/ca.pem"))
            #expect(repository.exists("certs/ca.key"))
        }
    }

    @Test func extraArgumentsAreUsageErrors() throws {
        try withCertFolder { folder in
            let cases: [[String]] = [["ca", "extra"], ["ca", "--days", "soon"], ["fingerprint"], ["client", "alice", "bob"]]
            for arguments in cases {
                let result = try runGenCerts(["--dir", folder.path] + arguments)
                #expect(result.status == 2, "\(arguments)")
            }
        }
    }
}
