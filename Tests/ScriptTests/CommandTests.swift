import Foundation
import Testing
import TestSupport

/// The command runner every script test stands on.
@Suite("runCommand")
struct CommandTests {
    @Test func capturesStatusOutputAndErrorSeparately() throws {
        let result = try runCommand("sh", ["-c", "echo out; echo err >&2; exit 3"])
        #expect(result.status == 3)
        #expect(result.stdout == "out\n")
        #expect(result.stderr == "err\n")
    }

    @Test func largeOutputOnBothStreamsDoesNotStall() throws {
        let result = try runCommand("sh", ["-c", "head -c 4000000 /dev/zero | tr '\\0' a; head -c 3000000 /dev/zero | tr '\\0' b >&2"], timeout: 30)
        #expect(result.status == 0)
        #expect(result.stdout.utf8.count == 4_000_000)
        #expect(result.stderr.utf8.count == 3_000_000)
    }

    @Test func passesInputEnvironmentAndDirectory() throws {
        let directory = try makeTemporaryDirectory(prefix: "command-tests")
        defer { removeTemporaryDirectory(directory) }
        let result = try runCommand(
            "sh", ["-c", "cat; printf '%s %s' \"$GREETING\" \"$(pwd -P)\""],
            input: "hello\n",
            environment: ["GREETING": "hi"],
            currentDirectory: directory
        )
        #expect(result.stdout == "hello\nhi \(directory.resolvingSymlinksInPath().path)")
    }

    @Test func standardInputIsEmptyWhenNoInputIsGiven() throws {
        let result = try runCommand("cat", [], timeout: 10)
        #expect(result.status == 0)
        #expect(result.stdout.isEmpty)
    }

    @Test func commandThatRunsTooLongIsKilled() throws {
        let start = Date()
        let error = #expect(throws: CommandError.self) {
            try runCommand("sleep", ["30"], timeout: 0.5)
        }
        #expect(error?.code == .timedOut)
        #expect(Date().timeIntervalSince(start) < 10)
    }

    @Test func childThatRunsTooLongIsKilledByTheAsyncWait() async throws {
        // No bound on the wall time here: the wait runs on the cooperative pool, which the
        // blocking script tests running alongside may hold for seconds.
        let child = try ChildProcess("sleep", ["30"])
        let error = await #expect(throws: CommandError.self) {
            try await child.waitForExit(timeout: .milliseconds(500))
        }
        #expect(error?.code == .timedOut)
        #expect(!child.isRunning)
    }

    @Test func childReadsItsInputAndIsSignalled() async throws {
        let script = "trap 'echo term; exit 7' TERM; cat; echo ready >&2; while :; do sleep 0.05; done"
        let child = try ChildProcess("sh", ["-c", script], input: Array("in\n".utf8))
        try await child.waitForStderr(containing: "ready", timeout: .seconds(10))
        child.send(SIGTERM)
        let result = try await child.waitForExit(timeout: .seconds(10))
        #expect(result.status == 7 && !result.bySignal, "\(result)")
        #expect(result.stdout == "in\nterm\n")
    }

    @Test func unknownExecutableIsReported() throws {
        let error = #expect(throws: CommandError.self) {
            try runCommand("no-such-command-securechat", [])
        }
        #expect(error?.code == .notFound)
    }

    @Test func commandStartsWithNoSignalsBlocked() throws {
        let result = try runCommand("grep", ["SigBlk", "/proc/self/status"])
        try #require(result.status == 0, "no /proc on this system: \(result.stderr)")
        #expect(result.stdout == "SigBlk:\t0000000000000000\n")
    }

    @Test func packageRootHoldsThePackageManifest() {
        #expect(FileManager.default.fileExists(atPath: packageRoot.appendingPathComponent("Package.swift").path))
    }
}
