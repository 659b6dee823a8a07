import Foundation
import Testing
import TestSupport

/// scripts/install.sh puts both programs on PATH, idempotently, and says where.
@Suite("install.sh")
struct InstallScriptTests {
    static let script = packageRoot.appending(path: "scripts/install.sh").path(percentEncoded: false)

    @Test func installsBothProgramsSaysWhereAndIsIdempotent() throws {
        let prefix = try makeTemporaryDirectory(prefix: "prefix")
        defer { removeTemporaryDirectory(prefix) }
        let from = (builtExecutable("securechat") as NSString).deletingLastPathComponent
        let root = prefix.path(percentEncoded: false)
        let environment = ["PATH": "/usr/bin:/bin"]

        let first = try runCommand(Self.script, ["--from", from, "--prefix", root], environment: environment)
        #expect(first.status == 0, "\(first)")
        let bin = (root as NSString).appendingPathComponent("bin")
        for program in ["securechat", "securechat-server"] {
            #expect(FileManager.default.isExecutableFile(atPath: bin + "/" + program))
            #expect(first.stdout.contains("installed \(bin)/\(program)"))
        }
        #expect(first.stdout.contains("not on your PATH"))
        #expect(first.stdout.contains("export PATH=\"\(bin):$PATH\""))

        let again = try runCommand(Self.script, ["--from", from, "--prefix", root], environment: ["PATH": "\(bin):/usr/bin:/bin"])
        #expect(again.status == 0, "\(again)")
        #expect(again.stdout.contains("\(bin)/securechat is up to date"))
        #expect(again.stdout.contains("is on your PATH"))

        let help = try runCommand(bin + "/securechat", ["--help"])
        #expect(help.status == 0)
    }

    @Test func aFolderWithoutTheProgramsAndBadUsageFailWithTheFix() throws {
        let empty = try makeTemporaryDirectory(prefix: "empty")
        defer { removeTemporaryDirectory(empty) }
        let missing = try runCommand(Self.script, ["--from", empty.path(percentEncoded: false), "--prefix", empty.path(percentEncoded: false)])
        #expect(missing.status == 1)
        #expect(missing.stderr.contains("is missing; build first"))
        let usage = try runCommand(Self.script, ["--frobnicate"])
        #expect(usage.status == 2)
        #expect(usage.stderr.contains("unknown argument"))
    }
}
