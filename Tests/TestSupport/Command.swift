import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// What a finished command left behind: its exit status and everything it printed.
public struct CommandResult: Sendable, CustomStringConvertible {
    /// The exit status, or the signal number when the command was killed by a signal.
    public let status: Int32
    /// True when `status` is the number of the signal that killed the command.
    public let bySignal: Bool
    public let stdoutBytes: [UInt8]
    public let stderr: String

    public var stdout: String { String(decoding: self.stdoutBytes, as: UTF8.self) }

    public var description: String { "exited \(self.status); stdout: \(self.stdout) stderr: \(self.stderr)" }
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
/// Blocks the calling thread; from async code use ``ChildProcess`` and its
/// ``ChildProcess/waitForExit(timeout:)``, which this wraps.
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
    let child = try ChildProcess(
        executable, arguments, input: input.map { Array($0.utf8) }, environment: environment,
        currentDirectory: currentDirectory)
    return try child.waitForExitBlocking(timeout: .milliseconds(Int64(timeout * 1000)))
}

/// A program this package builds, as `swift build` left it: beside the test runner, in the
/// main bundle's folder (or its parent, for an `.xctest` bundle on macOS), else in
/// `.build/debug` under the package.
public func builtExecutable(_ name: String) -> String {
    let runner = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
    let bundle = Bundle.main.bundleURL
    let fallback = packageRoot.appending(path: ".build/debug")
    for folder in [runner, bundle, bundle.deletingLastPathComponent(), fallback] {
        let path = folder.appending(path: name).path(percentEncoded: false)
        if FileManager.default.isExecutableFile(atPath: path) { return path }
    }
    return fallback.appending(path: name).path(percentEncoded: false)
}
