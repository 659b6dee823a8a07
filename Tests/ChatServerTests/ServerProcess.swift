import Foundation
import TLS
import TestSupport

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The `securechat-server` executable that `swift build` put next to the test bundle.
enum ServerExecutable {
    /// Its path; the first of: the test runner's folder, the main bundle's folder (and its
    /// parent, for an `.xctest` bundle on macOS), then `.build/debug` under the package.
    static let path: String = {
        let runner = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        let bundle = Bundle.main.bundleURL
        let candidates = [
            runner, bundle, bundle.deletingLastPathComponent(),
            packageRoot.appending(path: ".build/debug"),
        ]
        for folder in candidates {
            let path = folder.appending(path: "securechat-server").path(percentEncoded: false)
            if FileManager.default.isExecutableFile(atPath: path) { return path }
        }
        return packageRoot.appending(path: ".build/debug/securechat-server").path(percentEncoded: false)
    }()
}

/// One run of `securechat-server`, with stdout and stderr captured in files so that the
/// test can read them while the process runs. Killed when this object goes away.
final class ServerProcess: @unchecked Sendable {
    /// How a finished run ended.
    struct Exit {
        let status: Int32
        /// True when `status` is the number of the signal that killed the process.
        let bySignal: Bool
        let stdout: String
        let stderr: String
    }

    private let process = Process()
    private let scratch: URL

    /// Starts the server with `arguments`, its signal mask empty so that SIGHUP and SIGTERM
    /// reach it (the test's threads block most signals, and a child inherits the mask).
    init(_ arguments: [String], currentDirectory: URL? = nil, environment: [String: String] = [:]) throws {
        self.scratch = try makeTemporaryDirectory(prefix: "securechat-server-run")
        let stdout = self.scratch.appending(path: "stdout")
        let stderr = self.scratch.appending(path: "stderr")
        for file in [stdout, stderr] {
            guard FileManager.default.createFile(atPath: file.path(percentEncoded: false), contents: nil) else {
                throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: file.path(percentEncoded: false)])
            }
        }
        self.process.executableURL = URL(fileURLWithPath: ServerExecutable.path)
        self.process.arguments = arguments
        self.process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        if let currentDirectory { self.process.currentDirectoryURL = currentDirectory }
        self.process.standardInput = FileHandle(forReadingAtPath: "/dev/null")
        self.process.standardOutput = try FileHandle(forWritingTo: stdout)
        self.process.standardError = try FileHandle(forWritingTo: stderr)
        try Self.launchWithEmptySignalMask(self.process)
    }

    deinit {
        if self.process.isRunning { kill(self.process.processIdentifier, SIGKILL) }
        removeTemporaryDirectory(self.scratch)
    }

    var stdout: String { self.read("stdout") }
    var stderr: String { self.read("stderr") }

    /// The complete lines written to stderr so far.
    var stderrLines: [String] {
        var lines = self.stderr.components(separatedBy: "\n")
        lines.removeLast()
        return lines
    }

    func send(_ signal: Int32) {
        kill(self.process.processIdentifier, signal)
    }

    /// Waits for the first stderr line containing `text`; throws after `timeout` or when
    /// the process exits first.
    @discardableResult
    func waitForStderr(containing text: String, timeout: Duration = .seconds(20)) async throws -> String {
        let deadline = ContinuousClock.now + timeout
        while true {
            if let line = self.stderrLines.first(where: { $0.contains(text) }) { return line }
            guard self.process.isRunning, ContinuousClock.now < deadline else {
                throw ServerProcessTimeout(what: "stderr line containing \"\(text)\"", stderr: self.stderrLines)
            }
            try await Task.sleep(for: .milliseconds(10))
        }
    }

    /// The port from the log line `listening on 127.0.0.1:PORT` (start with `--port 0`).
    func listeningPort(timeout: Duration = .seconds(20)) async throws -> Int {
        let line = try await self.waitForStderr(containing: "listening on 127.0.0.1:", timeout: timeout)
        let digits = line.split(separator: "listening on 127.0.0.1:").last?.prefix { $0.isNumber } ?? ""
        guard let port = Int(digits), port > 0 else {
            throw ServerProcessTimeout(what: "a port in \"\(line)\"", stderr: self.stderrLines)
        }
        return port
    }

    /// Waits for the process to end; kills it and throws after `timeout`.
    func waitForExit(timeout: Duration = .seconds(20)) async throws -> Exit {
        let deadline = ContinuousClock.now + timeout
        while self.process.isRunning {
            guard ContinuousClock.now < deadline else {
                kill(self.process.processIdentifier, SIGKILL)
                throw ServerProcessTimeout(what: "the server to exit", stderr: self.stderrLines)
            }
            try await Task.sleep(for: .milliseconds(10))
        }
        return Exit(
            status: self.process.terminationStatus,
            bySignal: self.process.terminationReason == .uncaughtSignal,
            stdout: self.stdout,
            stderr: self.stderr
        )
    }

    /// Runs the server with `arguments` until it exits by itself (a refused start).
    static func run(_ arguments: [String], currentDirectory: URL? = nil, environment: [String: String] = [:]) async throws -> Exit {
        let process = try ServerProcess(arguments, currentDirectory: currentDirectory, environment: environment)
        return try await process.waitForExit()
    }

    private func read(_ name: String) -> String {
        let data = (try? Data(contentsOf: self.scratch.appending(path: name))) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }

    private static func launchWithEmptySignalMask(_ process: Process) throws {
        // Written before `launched` is signalled and read only after the wait.
        nonisolated(unsafe) var failure: (any Error)?
        let launched = DispatchSemaphore(value: 0)
        let launcher = Thread {
            var empty = sigset_t()
            sigemptyset(&empty)
            pthread_sigmask(SIG_SETMASK, &empty, nil)
            do { try process.run() } catch { failure = error }
            launched.signal()
        }
        launcher.start()
        launched.wait()
        if let failure { throw failure }
    }
}

/// A bounded wait on the server process ran out; carries what it wrote to stderr.
struct ServerProcessTimeout: Error, CustomStringConvertible {
    let what: String
    let stderr: [String]
    var description: String { "timed out waiting for \(self.what); stderr:\n" + self.stderr.joined(separator: "\n") }
}

/// A test PKI with an allowlist for alice and bob, and the flags that start a server on
/// 127.0.0.1 port 0 with them.
struct ServerFiles: Sendable {
    let pki: TestPKI
    let allowlist: AllowlistFile

    init() throws {
        self.pki = try TestPKI()
        self.allowlist = AllowlistFile(url: self.pki.directory.appending(path: "allowlist"), pki: self.pki)
        try self.allowlist.write(["alice", "bob"])
    }

    var directory: URL { self.pki.directory }
    var certificate: String { self.pki.server.certificatePath.path(percentEncoded: false) }
    var key: String { self.pki.server.keyPath.path(percentEncoded: false) }
    var clientCA: String { self.pki.ca.certificatePath.path(percentEncoded: false) }

    /// Every flag a server needs, with `overrides` replacing (or, with a nil value,
    /// dropping) flags by name, then `extra` appended.
    func arguments(_ overrides: [String: String?] = [:], _ extra: [String] = []) -> [String] {
        let base: KeyValuePairs<String, String> = [
            "--host": "127.0.0.1", "--port": "0", "--server-name": "test.securechat",
            "--cert": self.certificate, "--key": self.key, "--client-ca": self.clientCA,
            "--allowlist": self.allowlist.path,
        ]
        var arguments: [String] = []
        for (flag, value) in base {
            let chosen = overrides[flag] ?? value
            if let chosen { arguments += [flag, chosen] }
        }
        return arguments + extra
    }

    /// A new file in the PKI folder holding `text`; returns its path.
    func write(_ name: String, _ text: String) throws -> String {
        let url = self.directory.appending(path: name)
        try Data(text.utf8).write(to: url)
        return url.path(percentEncoded: false)
    }
}
