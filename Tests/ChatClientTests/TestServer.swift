import ChatClient
import ChatServer
import Foundation
import Logging
import NIOConcurrencyHelpers
import NIOCore
import ServiceLifecycle
import TestSupport
import TLS

/// A ChatServer running in-process on 127.0.0.1 with its own PKI and allowlist.
final class TestServer: Sendable {
    let server: ChatServer
    let port: Int
    let pki: TestPKI
    let allowlistURL: URL
    private let group: ServiceGroup
    private let task: Task<Void, any Error>

    /// Starts a server; `port` 0 picks a free one, another port restarts on it.
    static func start(pki: TestPKI, allow: [String], port: Int = 0) async throws -> TestServer {
        let allowlistURL = pki.directory.appending(path: "allowlist")
        var text = "# test allowlist\n"
        for nick in allow { text += "\(nick) \(try pki.client(nick).info().fingerprint)\n" }
        try Data(text.utf8).write(to: allowlistURL)

        var configuration = ServerConfiguration()
        configuration.host = "127.0.0.1"
        configuration.port = port
        configuration.serverName = "test.securechat"
        let tls = pki.serverConfiguration()
        configuration.certificatePath = tls.certificatePath
        configuration.privateKeyPath = tls.privateKeyPath
        configuration.clientCAPath = tls.clientCAPath
        configuration.allowlistPath = allowlistURL.path(percentEncoded: false)

        var logger = Logger(label: "test-server")
        logger.logLevel = .critical
        let server = try ChatServer(configuration: configuration, logger: logger)
        let group = ServiceGroup(configuration: .init(services: [server], logger: logger))
        let task = Task { try await group.run() }
        do {
            let bound = try await server.localAddress.port ?? 0
            return TestServer(server: server, port: bound, pki: pki, allowlistURL: allowlistURL, group: group, task: task)
        } catch {
            await group.triggerGracefulShutdown()
            _ = try? await task.value
            throw error
        }
    }

    private init(server: ChatServer, port: Int, pki: TestPKI, allowlistURL: URL, group: ServiceGroup, task: Task<Void, any Error>) {
        self.server = server
        self.port = port
        self.pki = pki
        self.allowlistURL = allowlistURL
        self.group = group
        self.task = task
    }

    /// Shuts the server down and waits until it has (the hub bounds it to 5 s).
    func stop() async {
        await self.group.triggerGracefulShutdown()
        _ = try? await self.task.value
    }

    /// A client configuration for `nick`, pinned to this server's key.
    func clientConfiguration(_ nick: String, pinned: Bool = true) throws -> ClientConfiguration {
        let identity = try self.pki.client(nick)
        var configuration = ClientConfiguration()
        configuration.host = "127.0.0.1"
        configuration.port = self.port
        configuration.certificatePath = identity.certificatePath.path(percentEncoded: false)
        configuration.privateKeyPath = identity.keyPath.path(percentEncoded: false)
        configuration.nick = nick
        configuration.knownServersPath = self.pki.directory.appending(path: "known_servers-\(nick)").path(percentEncoded: false)
        if pinned { configuration.pins = [try self.pki.server.info().publicKeyFingerprint] }
        return configuration
    }

    /// Replaces the allowlist file (write and rename, as editors save); the server's watcher reloads it.
    func writeAllowlist(_ nicks: [String]) throws {
        var text = "# test allowlist\n"
        for nick in nicks { text += "\(try self.allowlistLine(nick))\n" }
        let temporary = self.allowlistURL.appendingPathExtension("new")
        try Data(text.utf8).write(to: temporary)
        guard rename(temporary.path(percentEncoded: false), self.allowlistURL.path(percentEncoded: false)) == 0 else {
            throw CocoaError(.fileWriteUnknown)
        }
    }

    /// The allowlist line binding `nick` to its test certificate.
    func allowlistLine(_ nick: String) throws -> String {
        "\(nick) \(try self.pki.client(nick).info().fingerprint)"
    }
}

/// Runs `body` with a fresh server; `allow` are the nicks in the allowlist.
func withTestServer(
    allow: [String] = ["alice", "bob", "carol"],
    _ body: (TestServer) async throws -> Void
) async throws {
    let server = try await TestServer.start(pki: try TestPKI(), allow: allow)
    do {
        try await body(server)
    } catch {
        await server.stop()
        throw error
    }
    await server.stop()
}

/// Collects a connection's events so tests can wait for one, with a bound.
final class EventCollector: Sendable {
    private let box = NIOLockedValueBox<[ChatEvent]>([])
    private let task: Task<Void, Never>

    init(_ events: AsyncStream<ChatEvent>) {
        let box = self.box
        self.task = Task {
            for await event in events { box.withLockedValue { $0.append(event) } }
        }
    }

    var events: [ChatEvent] { self.box.withLockedValue { $0 } }

    /// Waits until an event satisfies `predicate` and returns it.
    @discardableResult
    func waitFor(
        _ what: String, timeout: Duration = .seconds(10), _ predicate: @escaping @Sendable (ChatEvent) -> Bool
    ) async throws -> ChatEvent {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if let event = self.events.first(where: predicate) { return event }
            try await Task.sleep(for: .milliseconds(10))
        }
        throw WaitTimeout(what: what, events: self.events.map { "\($0)" })
    }

    /// The messages received so far.
    var messages: [ChatMessage] {
        self.events.compactMap { event in
            if case .message(let message) = event { return message }
            return nil
        }
    }
}

/// A bounded wait ran out.
struct WaitTimeout: Error, CustomStringConvertible {
    let what: String
    let events: [String]
    var description: String { "timed out waiting for \(self.what); events: \(self.events.suffix(20))" }
}
