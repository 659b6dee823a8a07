import ChatServer
import Foundation
import Logging
import NIOCore
import ServiceLifecycle
import TestSupport
import TLS

/// A running ChatServer on 127.0.0.1 port 0 with its own PKI and allowlist.
struct TestServer: Sendable {
    let server: ChatServer
    let port: Int
    let pki: TestPKI
    let allowlistURL: URL
    let group: ServiceGroup

    /// Connects as `nick` (a certificate with CN=nick, pinned to the server) without registering.
    func connect(_ nick: String) async throws -> IRCTestClient {
        try await IRCTestClient(port: self.port, context: try self.pki.clientContext(nick))
    }

    /// Connects and registers as `nick`, then waits for the automatic join of #lobby.
    func login(_ nick: String) async throws -> IRCTestClient {
        let client = try await self.connect(nick)
        try await client.register(nick: nick)
        try await client.waitFor("366")
        return client
    }

    /// Replaces the allowlist file's contents (the watcher notices; `reload()` forces it).
    func writeAllowlist(_ text: String) throws {
        // Write-and-rename, as editors do.
        let temporary = self.allowlistURL.appendingPathExtension("new")
        try Data(text.utf8).write(to: temporary)
        try replaceFile(self.allowlistURL, with: temporary)
    }

    /// The allowlist line binding `nick` to its test certificate.
    func allowlistLine(_ nick: String) throws -> String {
        "\(nick) \(try self.pki.client(nick).info().fingerprint)"
    }
}

/// Runs `body` with a fresh server; `allow` are the nicks in the allowlist.
func withTestServer(
    allow: [String] = ["alice", "bob", "carol"],
    pki: TestPKI? = nil,
    configure: (inout ServerConfiguration) -> Void = { _ in },
    _ body: (TestServer) async throws -> Void
) async throws {
    let pki = try pki ?? TestPKI()
    let allowlistURL = pki.directory.appending(path: "allowlist")
    var text = "# test allowlist\n"
    for nick in allow { text += "\(nick) \(try pki.client(nick).info().fingerprint)\n" }
    try Data(text.utf8).write(to: allowlistURL)

    var configuration = ServerConfiguration()
    configuration.host = "127.0.0.1"
    configuration.port = 0
    configuration.serverName = "test.securechat"
    let tls = pki.serverConfiguration()
    configuration.certificatePath = tls.certificatePath
    configuration.privateKeyPath = tls.privateKeyPath
    configuration.clientCAPath = tls.clientCAPath
    configuration.allowlistPath = allowlistURL.path(percentEncoded: false)
    configure(&configuration)

    var logger = Logger(label: "test-server")
    logger.logLevel = .critical
    let server = try ChatServer(configuration: configuration, logger: logger)
    let group = ServiceGroup(configuration: .init(services: [server], logger: logger))
    try await withThrowingTaskGroup(of: Void.self) { tasks in
        tasks.addTask { try await group.run() }
        let port = try await server.localAddress.port ?? 0
        let running = TestServer(server: server, port: port, pki: pki, allowlistURL: allowlistURL, group: group)
        do {
            try await body(running)
        } catch {
            await group.triggerGracefulShutdown()
            try? await tasks.waitForAll()
            throw error
        }
        await group.triggerGracefulShutdown()
        try await tasks.waitForAll()
    }
}

/// Atomically replaces `destination` with `source` (rename(2)), as editors save files.
func replaceFile(_ destination: URL, with source: URL) throws {
    guard rename(source.path(percentEncoded: false), destination.path(percentEncoded: false)) == 0 else {
        throw CocoaError(.fileWriteUnknown)
    }
}
