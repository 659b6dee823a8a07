import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A process started by a test, its standard output and error written to files that can be
/// read while it runs. Killed, and its files removed, when this object goes away.
///
/// It inherits this process's environment with `environment` laid over it; its standard
/// input is `input` or, when nil, empty (/dev/null), so nothing can wait for a terminal.
/// Files rather than pipes mean neither a chatty child nor a grandchild holding a pipe open
/// can stall the test. It starts with no signal blocked, so SIGTERM, SIGINT and SIGHUP reach
/// it (see ``launchWithEmptySignalMask(_:)``).
public final class ChildProcess: @unchecked Sendable {
    private let process = Process()
    private let scratch: URL
    private let exited = DispatchGroup()
    private let commandLine: String

    /// Starts `executable` (a path, or a name looked up on PATH) with `arguments`.
    ///
    /// - Throws: ``CommandError`` `.notFound` or `.launchFailed`; file errors when the
    ///   output files cannot be made.
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
        self.scratch = try makeTemporaryDirectory(prefix: "child-process")
        do {
            self.process.executableURL = executableURL
            self.process.arguments = arguments
            self.process.environment = fullEnvironment
            if let currentDirectory { self.process.currentDirectoryURL = currentDirectory }
            if let input {
                let inputURL = self.scratch.appending(path: "stdin")
                try Data(input).write(to: inputURL)
                self.process.standardInput = try FileHandle(forReadingFrom: inputURL)
            } else {
                self.process.standardInput = try FileHandle(forReadingFrom: URL(fileURLWithPath: "/dev/null"))
            }
            self.process.standardOutput = try Self.createFile(self.scratch.appending(path: "stdout"))
            self.process.standardError = try Self.createFile(self.scratch.appending(path: "stderr"))
        } catch {
            removeTemporaryDirectory(self.scratch)
            throw error
        }
        let exited = self.exited
        exited.enter()
        self.process.terminationHandler = { _ in exited.leave() }
        do {
            try launchWithEmptySignalMask(self.process)
        } catch {
            removeTemporaryDirectory(self.scratch)
            throw CommandError(code: .launchFailed, reason: "\(executableURL.path): \(error)")
        }
    }

    deinit {
        if self.process.isRunning { kill(self.process.processIdentifier, SIGKILL) }
        removeTemporaryDirectory(self.scratch)
    }

    public var isRunning: Bool { self.process.isRunning }
    public var stdout: String { String(decoding: self.read("stdout"), as: UTF8.self) }
    public var stderr: String { String(decoding: self.read("stderr"), as: UTF8.self) }

    /// The complete lines written to standard error so far.
    public var stderrLines: [String] {
        var lines = self.stderr.components(separatedBy: "\n")
        lines.removeLast()
        return lines
    }

    public func send(_ signal: Int32) {
        kill(self.process.processIdentifier, signal)
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
    /// - Throws: ``CommandError`` `.timedOut` after `timeout`, once the process has been
    ///   sent SIGTERM and, two seconds later, SIGKILL.
    public func waitForExit(timeout: Duration = .seconds(20)) async throws -> CommandResult {
        let exitedInTime = await withTaskGroup(of: Bool.self) { group in
            group.addTask {
                await withCheckedContinuation { continuation in
                    self.exited.notify(queue: .global()) { continuation.resume() }
                }
                return true
            }
            group.addTask {
                try? await Task.sleep(for: timeout)
                return false
            }
            let first = await group.next() ?? true
            if first {
                group.cancelAll()  // the timer
            } else {
                self.process.terminate()
                group.addTask {
                    try? await Task.sleep(for: .seconds(2))
                    if self.isRunning { self.send(SIGKILL) }
                    return false
                }
            }
            await group.waitForAll()
            return first
        }
        guard exitedInTime else { throw self.timedOut(after: timeout) }
        return self.result
    }

    /// Blocks the calling thread until the process ends; see ``waitForExit(timeout:)``.
    public func waitForExitBlocking(timeout: Duration) throws -> CommandResult {
        if self.exited.wait(timeout: .now() + timeout / .seconds(1)) == .timedOut {
            self.process.terminate()
            if self.exited.wait(timeout: .now() + 2) == .timedOut {
                self.send(SIGKILL)
                _ = self.exited.wait(timeout: .now() + 5)
            }
            throw self.timedOut(after: timeout)
        }
        return self.result
    }

    /// How the process ended; only once it has.
    private var result: CommandResult {
        CommandResult(
            status: self.process.terminationStatus,
            bySignal: self.process.terminationReason == .uncaughtSignal,
            stdoutBytes: self.read("stdout"),
            stderr: self.stderr
        )
    }

    private func timedOut(after timeout: Duration) -> CommandError {
        CommandError(
            code: .timedOut, reason: "\(self.commandLine) ran longer than \(timeout); stderr so far: \(self.stderr.suffix(2000))")
    }

    private func read(_ name: String) -> [UInt8] {
        Array((try? Data(contentsOf: self.scratch.appending(path: name))) ?? Data())
    }

    private static func createFile(_ url: URL) throws -> FileHandle {
        guard FileManager.default.createFile(atPath: url.path(percentEncoded: false), contents: nil) else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: url.path(percentEncoded: false)])
        }
        return try FileHandle(forWritingTo: url)
    }
}

/// Starts `process` from a short-lived thread whose signal mask is empty.
///
/// A child inherits the signal mask of the thread that spawns it, and the threads that
/// Swift concurrency and Dispatch run on block most signals. Spawned from one of those, a
/// command could not be stopped with SIGTERM or SIGINT, and neither could its children.
private func launchWithEmptySignalMask(_ process: Process) throws {
    // Written before `launched` is signalled and read only after the wait.
    nonisolated(unsafe) var failure: (any Error)?
    let launched = DispatchSemaphore(value: 0)
    let launcher = Thread {
        var empty = sigset_t()
        sigemptyset(&empty)
        pthread_sigmask(SIG_SETMASK, &empty, nil)
        do {
            try process.run()
        } catch {
            failure = error
        }
        launched.signal()
    }
    launcher.start()
    launched.wait()
    if let failure {
        throw failure
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
