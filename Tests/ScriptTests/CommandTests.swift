import Foundation
import Synchronization
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

    @Test func commandStartsWithNoStandardSignalIgnored() throws {
        // As SwiftNIO does for the whole process once it opens a socket; a child must not
        // inherit that.
        signal(SIGPIPE, SIG_IGN)
        let result = try runCommand("grep", ["SigIgn", "/proc/self/status"])
        try #require(result.status == 0, "no /proc on this system: \(result.stderr)")
        let hex = result.stdout.split(separator: "\t").last?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
        let ignored = try #require(UInt64(hex, radix: 16), "\(result)")
        // Signals 1 to 31. glibc's posix_spawn leaves its own 32 and 33 ignored, which no
        // program can use.
        #expect(ignored & 0x7fff_ffff == 0, "SigIgn \(hex)")
    }

    @Test func commandInheritsOnlyItsStandardStreams() throws {
        let leaky = open("/dev/null", O_RDONLY)  // no O_CLOEXEC: only closing it in the child keeps it out
        try #require(leaky >= 0)
        defer { close(leaky) }
        let result = try runCommand("ls", ["/proc/self/fd"])
        try #require(result.status == 0, "no /proc on this system: \(result.stderr)")
        // 3 is the directory ls itself opened to list.
        #expect(result.stdout.split(separator: "\n") == ["0", "1", "2", "3"], "\(result)")
    }

    @Test func launchesWhileOtherThreadsOpenAndCloseDescriptors() throws {
        let churn = DescriptorChurn(threads: 2)
        defer { churn.stop() }
        for _ in 0..<40 {
            let result = try runCommand("true", [], timeout: 30)
            #expect(result.status == 0 && !result.bySignal, "\(result)")
        }
    }

    @Test func finishedChildIsReaped() async throws {
        let child = try ChildProcess("true", [])
        _ = try await child.waitForExit(timeout: .seconds(10))
        // kill(pid, 0) succeeds on a zombie; ESRCH means nothing is left of the child.
        #expect(kill(child.processIdentifier, 0) == -1 && errno == ESRCH)
    }

    @Test func droppedChildIsKilledAndReaped() throws {
        var child: ChildProcess? = try ChildProcess("sleep", ["30"])
        let pid = try #require(child?.processIdentifier)
        child = nil
        #expect(kill(pid, 0) == -1 && errno == ESRCH)
    }

    @Test func packageRootHoldsThePackageManifest() {
        #expect(FileManager.default.fileExists(atPath: packageRoot.appendingPathComponent("Package.swift").path))
    }
}

/// Threads that open and close batches of sockets until stopped, as a busy test process's
/// servers and clients do while a command is launched.
private final class DescriptorChurn: Sendable {
    private let stopped = Mutex(false)
    private let finished = DispatchGroup()

    init(threads: Int) {
        for _ in 0..<threads {
            self.finished.enter()
            Thread { [self] in
                while !self.stopped.withLock({ $0 }) {
                    let sockets = (0..<64).map { _ in socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0) }
                    sockets.forEach { close($0) }
                    usleep(100)
                }
                self.finished.leave()
            }.start()
        }
    }

    /// Stops the threads and waits for them (10 s at most).
    func stop() {
        self.stopped.withLock { $0 = true }
        _ = self.finished.wait(timeout: .now() + 10)
    }
}
