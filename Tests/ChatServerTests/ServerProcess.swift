import Foundation
import TLS
import TestSupport
import Testing

/// Runs of the `securechat-server` executable that `swift build` put next to the tests.
enum ServerProcess {
    /// Starts the server with `arguments`; read its output and signal it while it runs.
    static func start(
        _ arguments: [String], currentDirectory: URL? = nil, environment: [String: String] = [:]
    ) throws -> ChildProcess {
        try ChildProcess(
            builtExecutable("securechat-server"), arguments, environment: environment, currentDirectory: currentDirectory)
    }

    /// Runs the server with `arguments` until it exits by itself (a refused start).
    static func run(
        _ arguments: [String], currentDirectory: URL? = nil, environment: [String: String] = [:]
    ) async throws -> CommandResult {
        try await self.start(arguments, currentDirectory: currentDirectory, environment: environment).waitForExit()
    }
}

extension ChildProcess {
    /// Sends SIGTERM and waits for the server's graceful exit, expecting status 0 and no
    /// signal; returns how it ended, with everything it logged.
    @discardableResult
    func shutDown(
        timeout: Duration = .seconds(10), sourceLocation: SourceLocation = #_sourceLocation
    ) async throws -> CommandResult {
        self.send(SIGTERM)
        let exit = try await self.waitForExit(timeout: timeout)
        #expect(exit.status == 0 && !exit.bySignal, "exit \(exit.status): \(exit.stderr)", sourceLocation: sourceLocation)
        return exit
    }

    /// The port from the server's log line `listening on 127.0.0.1:PORT` (start it with `--port 0`).
    func listeningPort(timeout: Duration = .seconds(20)) async throws -> Int {
        let line = try await self.waitForStderr(containing: "listening on 127.0.0.1:", timeout: timeout)
        let digits = line.split(separator: "listening on 127.0.0.1:").last?.prefix { $0.isNumber } ?? ""
        guard let port = Int(digits), port > 0 else {
            throw TestTimeout(what: "a port in \"\(line)\"", events: self.stderrLines)
        }
        return port
    }
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
            "--data-dir": self.directory.appending(path: "data").path(percentEncoded: false),
            "--metrics-listen": "127.0.0.1:0",
        ]
        var arguments: [String] = []
        for (flag, value) in base {
            let chosen = overrides[flag] ?? value
            if let chosen { arguments += [flag, chosen] }
        }
        return arguments + extra
    }

    /// Starts a server with ``arguments(_:_:)`` and waits until it says which port it
    /// listens on.
    func startServer(_ overrides: [String: String?] = [:], _ extra: [String] = []) async throws -> (ChildProcess, port: Int) {
        let server = try ServerProcess.start(self.arguments(overrides, extra))
        return (server, try await server.listeningPort())
    }

    /// A new file in the PKI folder holding `text`; returns its path.
    func write(_ name: String, _ text: String) throws -> String {
        let url = self.directory.appending(path: name)
        try Data(text.utf8).write(to: url)
        return url.path(percentEncoded: false)
    }
}
