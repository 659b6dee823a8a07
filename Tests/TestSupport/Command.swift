import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// What a finished command left behind: its exit status and everything it printed.
public struct CommandResult: Sendable {
    /// The exit status, or the signal number when the command was killed by a signal.
    public let status: Int32
    public let stdout: String
    public let stderr: String
}

/// Why `runCommand` could not produce a result. Equal by code; the reason has the details.
public struct CommandError: Error, Equatable, CustomStringConvertible {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private let name: String
        public var description: String { name }

        /// The executable is not a path and is not found on PATH.
        public static let notFound = Code(name: "notFound")
        /// The operating system refused to start the executable.
        public static let launchFailed = Code(name: "launchFailed")
        /// The command ran longer than its timeout and was killed.
        public static let timedOut = Code(name: "timedOut")
    }

    public let code: Code
    public let reason: String

    public var description: String { "\(code): \(reason)" }

    public static func == (lhs: CommandError, rhs: CommandError) -> Bool {
        lhs.code == rhs.code
    }
}

/// The package's root folder (found from #filePath), e.g. to locate scripts/.
public let packageRoot: URL = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent()  // Tests/TestSupport
    .deletingLastPathComponent()  // Tests
    .deletingLastPathComponent()

/// A fresh temporary directory, removed by the caller via `removeTemporaryDirectory` or left for the OS.
///
/// The directory is created below the system temporary folder (TMPDIR), readable only by
/// the current user, with a name that starts with `prefix` and is unique per call.
public func makeTemporaryDirectory(prefix: String) throws -> URL {
    let directory = FileManager.default.temporaryDirectory
        .appendingPathComponent("\(prefix)-\(UUID().uuidString)", isDirectory: true)
    try FileManager.default.createDirectory(
        at: directory,
        withIntermediateDirectories: false,
        attributes: [.posixPermissions: 0o700]
    )
    return directory
}

/// Removes a directory made by `makeTemporaryDirectory` and everything in it; never throws,
/// so it fits a `defer`. A directory that is already gone is fine.
public func removeTemporaryDirectory(_ directory: URL) {
    try? FileManager.default.removeItem(at: directory)
}

/// Runs an executable (absolute path or a name looked up on PATH) with arguments, optional stdin text and extra environment; waits at most `timeout` seconds (then kills it and throws). Never deadlocks on large output.
///
/// The command inherits this process's environment with `environment` laid over it; its
/// standard input is `input` or, when nil, empty (/dev/null), so nothing can wait for a
/// terminal. Output goes to temporary files rather than pipes, so neither a
/// chatty command nor a grandchild holding a pipe open can stall the caller.
/// - Throws: `CommandError` with `.notFound`, `.launchFailed` or `.timedOut`; file errors
///   if the temporary files cannot be made.
public func runCommand(
    _ executable: String,
    _ arguments: [String],
    input: String? = nil,
    environment: [String: String] = [:],
    currentDirectory: URL? = nil,
    timeout: Double = 60
) throws -> CommandResult {
    let fullEnvironment = ProcessInfo.processInfo.environment.merging(environment) { _, extra in extra }
    let executableURL = try resolveExecutable(executable, path: fullEnvironment["PATH"])

    let scratch = try makeTemporaryDirectory(prefix: "command")
    defer { removeTemporaryDirectory(scratch) }
    let stdoutURL = scratch.appendingPathComponent("stdout")
    let stderrURL = scratch.appendingPathComponent("stderr")
    let stdoutHandle = try createFile(at: stdoutURL)
    defer { try? stdoutHandle.close() }
    let stderrHandle = try createFile(at: stderrURL)
    defer { try? stderrHandle.close() }

    let stdinHandle: FileHandle
    if let input {
        let inputURL = scratch.appendingPathComponent("stdin")
        try Data(input.utf8).write(to: inputURL)
        stdinHandle = try FileHandle(forReadingFrom: inputURL)
    } else {
        stdinHandle = try FileHandle(forReadingFrom: URL(fileURLWithPath: "/dev/null"))
    }
    defer { try? stdinHandle.close() }

    let process = Process()
    process.executableURL = executableURL
    process.arguments = arguments
    process.environment = fullEnvironment
    if let currentDirectory {
        process.currentDirectoryURL = currentDirectory
    }
    process.standardInput = stdinHandle
    process.standardOutput = stdoutHandle
    process.standardError = stderrHandle

    let exited = DispatchSemaphore(value: 0)
    process.terminationHandler = { _ in exited.signal() }
    do {
        try launchWithEmptySignalMask(process)
    } catch {
        throw CommandError(code: .launchFailed, reason: "\(executableURL.path): \(error)")
    }

    if exited.wait(timeout: .now() + timeout) == .timedOut {
        process.terminate()
        if exited.wait(timeout: .now() + 2) == .timedOut {
            kill(process.processIdentifier, SIGKILL)
            _ = exited.wait(timeout: .now() + 5)
        }
        let stderr = (try? String(contentsOf: stderrURL, encoding: .utf8)) ?? ""
        throw CommandError(
            code: .timedOut,
            reason: "\(executable) \(arguments.joined(separator: " ")) ran longer than \(timeout) s; stderr so far: \(stderr.suffix(2000))"
        )
    }

    return CommandResult(
        status: process.terminationStatus,
        stdout: String(decoding: try Data(contentsOf: stdoutURL), as: UTF8.self),
        stderr: String(decoding: try Data(contentsOf: stderrURL), as: UTF8.self)
    )
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

private func createFile(at url: URL) throws -> FileHandle {
    guard FileManager.default.createFile(atPath: url.path, contents: nil) else {
        throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: url.path])
    }
    return try FileHandle(forWritingTo: url)
}
