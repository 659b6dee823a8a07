import Foundation
import NIOConcurrencyHelpers

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A process started by a test, its standard output and error written to files that can be
/// read while it runs. Killed, reaped and its files removed when this object goes away.
///
/// It inherits this process's environment with `environment` laid over it; its standard
/// input is `input` or, when nil, empty (/dev/null), so nothing can wait for a terminal.
/// Files rather than pipes mean neither a chatty child nor a grandchild holding a pipe open
/// can stall the test. It starts with no signal blocked and default signal dispositions, so
/// SIGTERM, SIGINT, SIGHUP and SIGPIPE act on it as on a command started from a shell (see
/// ``spawnChild(_:_:environment:currentDirectory:streams:)``).
///
/// Its end is noticed by polling `waitpid` for its pid alone, a few milliseconds apart: no
/// thread is parked, no descriptor is held, and other children of this process are left to
/// whoever started them.
public final class ChildProcess: Sendable {
    private let pid: pid_t
    private let scratch: URL
    private let commandLine: String
    /// nil until the child has been reaped. Reaping and signalling both happen under this
    /// lock, so a signal never reaches another process that was given the pid afterwards.
    private let reaped = NIOLockedValueBox<ChildExit?>(nil)

    /// Starts `executable` (a path, or a name looked up on PATH) with `arguments`.
    ///
    /// - Throws: ``CommandError`` `.notFound` or `.launchFailed`; file errors when the
    ///   input file cannot be written.
    public init(
        _ executable: String,
        _ arguments: [String],
        input: [UInt8]? = nil,
        environment: [String: String] = [:],
        currentDirectory: URL? = nil
    ) throws {
        let fullEnvironment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let executableURL = try resolveExecutable(executable, path: fullEnvironment["PATH"])
        self.commandLine = ([executable] + arguments).joined(separator: " ")
        let scratch = try makeTemporaryDirectory(prefix: "child-process")
        self.scratch = scratch
        do {
            var streams = StandardStreams(
                input: "/dev/null",
                output: scratch.appending(path: "stdout").path(percentEncoded: false),
                error: scratch.appending(path: "stderr").path(percentEncoded: false))
            if let input {
                let inputURL = scratch.appending(path: "stdin")
                try Data(input).write(to: inputURL)
                streams.input = inputURL.path(percentEncoded: false)
            }
            self.pid = try spawnChild(
                executableURL.path(percentEncoded: false), arguments, environment: fullEnvironment,
                currentDirectory: currentDirectory?.path(percentEncoded: false), streams: streams)
        } catch {
            removeTemporaryDirectory(scratch)
            throw error
        }
    }

    deinit {
        if self.isRunning {
            self.send(SIGKILL)
            _ = self.awaitExitBlocking(within: .seconds(5))
        }
        removeTemporaryDirectory(self.scratch)
    }

    /// The child's pid; another process's once the child has been reaped.
    public var processIdentifier: pid_t { self.pid }

    /// False once the child has ended (and been reaped, which this does).
    public var isRunning: Bool { self.reap() == nil }
    public var stdout: String { String(decoding: self.read("stdout"), as: UTF8.self) }
    public var stderr: String { String(decoding: self.read("stderr"), as: UTF8.self) }

    /// The complete lines written to standard error so far.
    public var stderrLines: [String] {
        var lines = self.stderr.components(separatedBy: "\n")
        lines.removeLast()
        return lines
    }

    /// Sends `signal` to the child, unless it has already been reaped.
    public func send(_ signal: Int32) {
        self.reaped.withLockedValue { reaped in
            if reaped == nil { kill(self.pid, signal) }
        }
    }

    /// Waits for the first standard error line containing `text`.
    ///
    /// - Throws: ``TestTimeout`` (with the lines so far) after `timeout`, or once the
    ///   process has exited without writing one.
    @discardableResult
    public func waitForStderr(containing text: String, timeout: Duration = .seconds(20)) async throws -> String {
        let deadline = ContinuousClock.now + timeout
        while true {
            if let line = self.stderrLines.first(where: { $0.contains(text) }) { return line }
            guard self.isRunning, ContinuousClock.now < deadline else {
                throw TestTimeout(what: "a stderr line containing \"\(text)\"", events: self.stderrLines)
            }
            try await Task.sleep(for: .milliseconds(10))
        }
    }

    /// Waits for the process to end and returns how it ended; no thread waits meanwhile.
    ///
    /// - Throws: ``CommandError`` `.timedOut` after `timeout` (or when the calling task is
    ///   cancelled), once the process has been sent SIGTERM and, two seconds later, SIGKILL.
    public func waitForExit(timeout: Duration = .seconds(20)) async throws -> CommandResult {
        // The deadline is kept by a timer off the cooperative pool: polling alone would
        // notice it late (and a child that ran on meanwhile as in time) while blocking
        // tests alongside hold the pool's threads.
        let expired = NIOLockedValueBox(false)
        let (seconds, attoseconds) = timeout.components
        let delay = DispatchTimeInterval.nanoseconds(Int(seconds) * 1_000_000_000 + Int(attoseconds / 1_000_000_000))
        DispatchQueue.global().asyncAfter(deadline: .now() + delay) { [weak self] in
            guard let self, self.isRunning else { return }
            expired.withLockedValue { $0 = true }
            self.send(SIGTERM)
            DispatchQueue.global().asyncAfter(deadline: .now() + .seconds(2)) { [weak self] in self?.send(SIGKILL) }
        }
        if let ended = await self.awaitExit(within: timeout + .seconds(10), untilCancelled: true) {
            if expired.withLockedValue({ $0 }) { throw self.timedOut(after: timeout) }
            return self.result(ended)
        }
        self.send(SIGTERM)
        if await self.awaitExit(within: .seconds(2), untilCancelled: false) == nil {
            self.send(SIGKILL)
            _ = await self.awaitExit(within: .seconds(5), untilCancelled: false)
        }
        throw self.timedOut(after: timeout)
    }

    /// Blocks the calling thread until the process ends; see ``waitForExit(timeout:)``.
    public func waitForExitBlocking(timeout: Duration) throws -> CommandResult {
        if let ended = self.awaitExitBlocking(within: timeout) {
            return self.result(ended)
        }
        self.send(SIGTERM)
        if self.awaitExitBlocking(within: .seconds(2)) == nil {
            self.send(SIGKILL)
            _ = self.awaitExitBlocking(within: .seconds(5))
        }
        throw self.timedOut(after: timeout)
    }

    /// How the child ended, reaping it if it has just done so; nil while it runs.
    private func reap() -> ChildExit? {
        self.reaped.withLockedValue { reaped in
            if reaped == nil { reaped = ChildExit.reap(self.pid) }
            return reaped
        }
    }

    /// Polls until the child has ended or `duration` has passed (or, when `untilCancelled`,
    /// the task is cancelled); suspends between looks without holding a thread.
    private func awaitExit(within duration: Duration, untilCancelled: Bool) async -> ChildExit? {
        let deadline = ContinuousClock.now + duration
        var pauses = PollingPauses()
        while true {
            if let ended = self.reap() { return ended }
            if ContinuousClock.now >= deadline || (untilCancelled && Task.isCancelled) { return nil }
            await pauses.next()
        }
    }

    /// Polls until the child has ended or `duration` has passed, blocking the calling thread.
    private func awaitExitBlocking(within duration: Duration) -> ChildExit? {
        let deadline = ContinuousClock.now + duration
        var pauses = PollingPauses()
        while true {
            if let ended = self.reap() { return ended }
            if ContinuousClock.now >= deadline { return nil }
            pauses.nextBlocking()
        }
    }

    private func result(_ ended: ChildExit) -> CommandResult {
        CommandResult(status: ended.status, bySignal: ended.bySignal, stdoutBytes: self.read("stdout"), stderr: self.stderr)
    }

    private func timedOut(after timeout: Duration) -> CommandError {
        CommandError(
            code: .timedOut, reason: "\(self.commandLine) ran longer than \(timeout); stderr so far: \(self.stderr.suffix(2000))")
    }

    private func read(_ name: String) -> [UInt8] {
        Array((try? Data(contentsOf: self.scratch.appending(path: name))) ?? Data())
    }
}

/// The pauses between looks at a running child: 1 ms, doubling to 10 ms, so the many commands
/// that end within milliseconds are noticed at once and a long one costs 100 looks a second.
private struct PollingPauses {
    private var milliseconds = 1

    /// Sleeps for the next pause, cancelled or not: a wait that has sent a signal must still
    /// see the process go, and a cancelled `Task.sleep` would return at once.
    mutating func next() async {
        let pause = self.advance()
        await withCheckedContinuation { continuation in
            DispatchQueue.global().asyncAfter(deadline: .now() + .milliseconds(pause)) { continuation.resume() }
        }
    }

    mutating func nextBlocking() {
        usleep(useconds_t(self.advance() * 1000))
    }

    private mutating func advance() -> Int {
        defer { self.milliseconds = min(self.milliseconds * 2, 10) }
        return self.milliseconds
    }
}

/// A name with a slash is a path (relative to the working directory); any other name is
/// looked up in the PATH directories, in order.
private func resolveExecutable(_ executable: String, path: String?) throws -> URL {
    if executable.contains("/") {
        return URL(fileURLWithPath: executable)
    }
    for directory in (path ?? "/usr/bin:/bin").split(separator: ":") where !directory.isEmpty {
        let candidate = URL(fileURLWithPath: String(directory)).appendingPathComponent(executable)
        if FileManager.default.isExecutableFile(atPath: candidate.path) {
            return candidate
        }
    }
    throw CommandError(code: .notFound, reason: "\(executable) is not on PATH (\(path ?? "unset"))")
}
