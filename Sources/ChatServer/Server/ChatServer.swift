import Foundation
import IRC
import Logging
import NIOCore
import NIOPosix
import ServiceLifecycle
import TLS

/// The SecureChat server: accepts mutual-TLS connections and runs the room.
///
/// Everything is loaded and checked when the server is made (TLS files, allowlist, MOTD), so
/// a bad file stops it before it listens: it never starts open. ``run()`` listens until
/// graceful shutdown, then tells every client `ERROR :Server shutting down`, closes each
/// connection with a TLS close_notify and returns.
///
/// All connections share one event loop (like classic single-process IRC servers): routing a
/// message is a function call, never a thread hop.
public final class ChatServer: Service, Sendable {
    public let configuration: ServerConfiguration
    private let logger: Logger
    private let group: MultiThreadedEventLoopGroup
    private let hub: NIOLoopBound<Hub>
    private let listening: EventLoopPromise<SocketAddress>

    /// Loads every file the configuration names.
    ///
    /// - Throws: the first problem, as a one-line error naming the file and the fix
    ///   (``TLSError``, ``AllowlistError``, ``ConfigurationError``).
    public init(configuration: ServerConfiguration, logger: Logger) throws {
        try configuration.validate()
        self.configuration = configuration
        self.logger = logger
        let tlsContext = try TLSContext(server: try Self.tlsConfiguration(configuration))
        let allowlist = try Allowlist.load(path: configuration.allowlistPath)
        if allowlist.isEmpty {
            logger.warning("the allowlist \(configuration.allowlistPath) is empty: nobody can log in until lines are added")
        }
        var hubConfiguration = HubConfiguration()
        hubConfiguration.serverName = configuration.serverName
        hubConfiguration.networkName = configuration.networkName
        hubConfiguration.defaultChannel = configuration.defaultChannel
        hubConfiguration.motd = try configuration.loadMOTD()
        hubConfiguration.expiryWarningDays = configuration.limits.expiryWarningDays
        hubConfiguration.maxLinesBeforeRegistration = configuration.limits.maxLinesBeforeRegistration
        let hubSettings = hubConfiguration
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let loop = group.next()
        self.group = group
        self.listening = loop.makePromise(of: SocketAddress.self)
        self.hub = try loop.submit {
            NIOLoopBound(
                Hub(
                    loop: loop,
                    configuration: configuration,
                    hubConfiguration: hubSettings,
                    allowlist: allowlist,
                    tlsContext: tlsContext,
                    logger: logger
                ),
                eventLoop: loop
            )
        }.wait()
        if let certificate = tlsContext.certificate {
            Self.warnIfExpiring(certificate, days: configuration.limits.expiryWarningDays, logger: logger)
        }
    }

    /// The address the server listens on, once ``run()`` has bound it.
    public var localAddress: SocketAddress {
        get async throws { try await self.listening.futureResult.get() }
    }

    public func run() async throws {
        let hub = self.hub
        let limits = self.configuration.limits
        let listener: any Channel
        do {
            listener = try await ServerBootstrap(group: self.group)
                .serverChannelOption(.backlog, value: 1024)
                .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
                .childChannelOption(.writeBufferWaterMark, value: .init(low: limits.sendQueueBytes / 2, high: limits.sendQueueBytes))
                // Each connection keeps its receive buffer between reads; IRC lines are short,
                // so start small (NIO grows it for bulk input) rather than at 2 KiB each.
                .childChannelOption(.recvAllocator, value: AdaptiveRecvByteBufferAllocator(minimum: 64, initial: 512, maximum: 65_536))
                .childChannelInitializer { channel in
                    Self.initialize(channel, hub: hub.value)
                }
                .bind(host: self.configuration.host, port: self.configuration.port)
                .get()
        } catch {
            self.listening.fail(error)
            throw ConfigurationError(
                .invalidValue,
                "cannot listen on \(self.configuration.host):\(self.configuration.port): \(error)"
            )
        }
        if let address = listener.localAddress {
            self.listening.succeed(address)
        }
        self.logger.notice(
            "listening on \(self.configuration.host):\(listener.localAddress?.port ?? self.configuration.port)",
            metadata: ["allowlist": "\(self.configuration.allowlistPath)"]
        )
        let logger = self.logger
        let watcher = FileWatcher(path: self.configuration.allowlistPath, eventLoop: hub.eventLoop) { change in
            logger.info("allowlist file \(change == .removed ? "removed" : "changed") on disk")
            hub.value.reloadAllowlist(contents: change.contents)
        }
        watcher.start()
        let daily = hub.eventLoop.scheduleRepeatedTask(initialDelay: .zero, delay: .hours(24)) { _ in
            hub.value.logExpiringCertificates()
        }

        try? await gracefulShutdown()

        self.logger.notice("shutting down")
        daily.cancel()
        watcher.stop()
        try? await listener.close()
        // Wait until every session has closed (close_notify answered or timed out), at most 5 s.
        let done = hub.eventLoop.makePromise(of: Void.self)
        hub.eventLoop.flatSubmit { hub.value.shutdown() }.cascade(to: done)
        let deadline = hub.eventLoop.scheduleTask(in: .seconds(5)) { done.succeed() }
        try? await done.futureResult.get()
        deadline.cancel()
        try await self.group.shutdownGracefully()
    }

    /// Reloads the allowlist and the TLS files (SIGHUP). A file that fails to load is logged
    /// with its reason and the previous one stays in force.
    public func reload() {
        let configuration = self.configuration
        let logger = self.logger
        let hub = self.hub
        hub.eventLoop.execute {
            hub.value.reloadAllowlist()
            do {
                let context = try TLSContext(server: try Self.tlsConfiguration(configuration))
                let closed = hub.value.reloadTLS(context)
                logger.notice("TLS files reloaded; \(closed) sessions no longer admitted were closed")
                if let certificate = context.certificate {
                    Self.warnIfExpiring(certificate, days: configuration.limits.expiryWarningDays, logger: logger)
                }
            } catch {
                logger.error("TLS files not reloaded, the previous ones stay in force: \(error)")
            }
        }
    }

    /// Number of admitted sessions (for tests and metrics).
    public var sessionCount: Int {
        get async throws { try await self.hub.eventLoop.submit { self.hub.value.sessionCount }.get() }
    }

    // MARK: helpers

    /// Sets up one accepted connection, or closes it at once when it is over a limit.
    private static func initialize(_ channel: any Channel, hub: Hub) -> EventLoopFuture<Void> {
        let address = channel.remoteAddress?.ipAddress ?? "unknown"
        switch hub.limiter.open(from: address) {
        case .accept:
            break
        case .tooManyInTotal:
            hub.logger.warning("refused connection: \(hub.limiter.maxTotal) connections already", metadata: ["address": "\(address)"])
            return channel.close()
        case .tooManyFromAddress:
            hub.logger.warning(
                "refused connection: \(hub.limiter.maxPerAddress) connections from this address already",
                metadata: ["address": "\(address)"]
            )
            return channel.close()
        }
        let loopBoundHub = NIOLoopBound(hub, eventLoop: hub.loop)
        channel.closeFuture.whenComplete { _ in loopBoundHub.value.limiter.close(from: address) }
        return channel.eventLoop.makeCompletedFuture {
            let sync = channel.pipeline.syncOperations
            try sync.addHandler(TLSHandler(context: hub.tlsContext))
            try sync.addHandler(SessionHandler(hub: hub, address: address))
        }
    }

    static func tlsConfiguration(_ configuration: ServerConfiguration) throws -> TLSServerConfiguration {
        var tls = TLSServerConfiguration(
            certificatePath: configuration.certificatePath,
            privateKeyPath: configuration.privateKeyPath,
            clientCAPath: configuration.clientCAPath,
            crlPath: configuration.crlPath
        )
        tls.minimumVersion = configuration.minimumTLSVersion
        tls.handshakeTimeout = TimeAmount(configuration.limits.handshakeTimeout)
        tls.nonTLSReply = "ERROR :Closing link: this port speaks IRC over TLS only; connect with TLS\r\n"
        if let file = configuration.privateKeyPassphraseFile {
            guard let passphrase = try? String(contentsOfFile: file, encoding: .utf8) else {
                throw TLSError(.fileUnreadable, "cannot read the key passphrase file \(file)")
            }
            tls.privateKeyPassphrase = passphrase.trimmingCharacters(in: .newlines)
        }
        return tls
    }

    private static func warnIfExpiring(_ certificate: CertificateInfo, days: Int, logger: Logger) {
        let left = certificate.daysUntilExpiry()
        if left <= days {
            logger.warning("the server certificate expires in \(left) days (\(certificate.notAfter)); renew it with scripts/gen-certs.sh server NAME")
        }
    }
}
