import ChatServer
import Foundation
import HistoryStore
import Logging
import NIOCore
import ServiceLifecycle
import TLS

/// A ChatServer running in this process on 127.0.0.1, with its own PKI and allowlist.
public final class TestServer: Sendable {
    public let server: ChatServer
    public let port: Int
    public let pki: TestPKI
    public let allowlist: AllowlistFile
    /// What the server logged: at notice level and above, or at info and above into the
    /// log a test passed in.
    public let log: CapturedLog
    private let group: ServiceGroup
    private let task: Task<Void, any Error>

    /// Starts a server whose allowlist holds `allow`; `port` 0 picks a free port, another
    /// port restarts on it. `configure` changes the settings last.
    public static func start(
        pki: TestPKI,
        allow: [String],
        port: Int = 0,
        log: CapturedLog? = nil,
        configure: (inout ServerConfiguration) -> Void = { _ in }
    ) async throws -> TestServer {
        let allowlist = AllowlistFile(url: pki.directory.appending(path: "allowlist"), pki: pki)
        try allowlist.write(allow)

        var configuration = ServerConfiguration()
        configuration.host = "127.0.0.1"
        configuration.port = port
        configuration.serverName = "test.securechat"
        let tls = pki.serverConfiguration()
        configuration.certificatePath = tls.certificatePath
        configuration.privateKeyPath = tls.privateKeyPath
        configuration.clientCAPath = tls.clientCAPath
        configuration.allowlistPath = allowlist.path
        configuration.dataDirectory = pki.directory.appending(path: "data").path(percentEncoded: false)
        configuration.logsDirectory = pki.directory.appending(path: "logs").path(percentEncoded: false)
        // Off unless a test turns it on (on port 0): servers in parallel tests must not
        // meet on 9697.
        configuration.metrics.listen = nil
        // Commits without an fsync each (they still survive the process): hundreds of
        // servers in one parallel run would otherwise queue on the disk, and a slow disk
        // stalls every test at once. The crash test runs the executable as shipped (full).
        configuration.history.durability = .normal
        configure(&configuration)

        let captured = log ?? CapturedLog()
        let logger = captured.logger(level: log == nil ? .notice : .info)
        let server = try ChatServer(configuration: configuration, logger: logger)
        let group = ServiceGroup(configuration: .init(services: [server], logger: logger))
        let task = Task { try await group.run() }
        do {
            let bound = try await server.localAddress.port ?? 0
            return TestServer(
                server: server, port: bound, pki: pki, allowlist: allowlist, log: captured, group: group, task: task)
        } catch {
            await group.triggerGracefulShutdown()
            _ = try? await task.value
            throw error
        }
    }

    private init(
        server: ChatServer, port: Int, pki: TestPKI, allowlist: AllowlistFile, log: CapturedLog,
        group: ServiceGroup, task: Task<Void, any Error>
    ) {
        self.server = server
        self.port = port
        self.pki = pki
        self.allowlist = allowlist
        self.log = log
        self.group = group
        self.task = task
    }

    /// Shuts the server down and waits until it has (the hub bounds it to 5 s).
    ///
    /// - Throws: what the server's run threw, if it failed rather than shut down.
    public func stop() async throws {
        await self.group.triggerGracefulShutdown()
        try await self.task.value
    }

    /// Connects as `nick` (a certificate with CN=nick, pinned to the server) without registering.
    public func connect(_ nick: String) async throws -> IRCTestClient {
        try await IRCTestClient(port: self.port, context: try self.pki.clientContext(nick))
    }

    /// Connects and registers as `nick`, then waits for the automatic join of #lobby.
    public func login(_ nick: String) async throws -> IRCTestClient {
        let client = try await self.connect(nick)
        try await client.register(nick: nick)
        try await client.waitFor("366")
        return client
    }

    /// Logs in `first` and then `second`, each as ``login(_:)`` does.
    public func login(_ first: String, _ second: String) async throws -> (IRCTestClient, IRCTestClient) {
        (try await self.login(first), try await self.login(second))
    }

    /// Logs in three nicks in order, each as ``login(_:)`` does.
    public func login(
        _ first: String, _ second: String, _ third: String
    ) async throws -> (IRCTestClient, IRCTestClient, IRCTestClient) {
        let (one, two) = try await self.login(first, second)
        return (one, two, try await self.login(third))
    }
}

/// Runs `body` with a fresh server, stopped afterwards; `allow` are the nicks in the allowlist.
public func withTestServer(
    allow: [String] = ["alice", "bob", "carol"],
    pki: TestPKI? = nil,
    log: CapturedLog? = nil,
    configure: (inout ServerConfiguration) -> Void = { _ in },
    _ body: (TestServer) async throws -> Void
) async throws {
    let server = try await TestServer.start(pki: try pki ?? TestPKI(), allow: allow, log: log, configure: configure)
    do {
        try await body(server)
    } catch {
        try? await server.stop()
        throw error
    }
    try await server.stop()
}
