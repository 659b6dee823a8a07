import Foundation
import HistoryStore
import IRC
import Moderation
import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import ServerMetrics
import ServiceLifecycle
import TLS

/// The SecureChat server: accepts mutual-TLS connections and runs the room.
///
/// Everything is loaded and checked when the server is made (TLS files, allowlist, MOTD), so
/// a bad file stops it before it listens: it never starts open. ``run()`` listens until
/// graceful shutdown, then tells every client `ERROR :Server shutting down`, closes each
/// connection with a TLS close_notify and returns.
///
/// Connections live on a group of I/O event loops (`[limits] io_threads`, one per core by
/// default), which do encryption, line framing and flushing; the hub routes on an event
/// loop of its own, and routing stays a plain function call with no locks (see ``Hub`` and
/// ``IOLoop``). The CPU-heavy steps of TLS handshakes run on low-priority threads of their
/// own (``HandshakeWorkers``, `[limits] handshake_threads`), so a storm of handshakes
/// delays neither routing nor the I/O of the sessions already in.
public final class ChatServer: Service, Sendable {
    public let configuration: ServerConfiguration
    let logger: Logger
    let hubGroup: MultiThreadedEventLoopGroup
    private let ioGroup: MultiThreadedEventLoopGroup
    /// Runs the metrics and health endpoints, apart from the chat's loops: `/livez` must
    /// answer when the hub's loop does not.
    let healthGroup: MultiThreadedEventLoopGroup
    let hub: NIOLoopBoundBox<Hub>
    let ioLoops: [IOLoop]
    /// Runs server-side handshake steps; nil when they run on the I/O loops.
    let handshakeWorkers: HandshakeWorkers?
    let tlsContext: NIOLockedValueBox<TLSContext>
    let gate: ConnectionGate
    let instruments = ServerInstruments()
    /// Listening, draining: what `/readyz` answers.
    let health = NIOLockedValueBox(HealthState())
    /// The expiry dates of the TLS files in force.
    let tlsDates: NIOLockedValueBox<TLSFileDates>
    /// When the files were loaded at start.
    let loadedAt = Date()
    /// Completed with the endpoints' addresses once they listen.
    let healthListening: EventLoopPromise<[SocketAddress]>
    /// The history log, when on (tests suspend or slow its writer).
    let history: HistoryStore?
    /// `moderation.jsonl`, when a filter is configured.
    let auditLog: ModerationAuditLog?
    private let listening: EventLoopPromise<SocketAddress>

    /// Loads every file the configuration names.
    ///
    /// - Throws: the first problem, as a one-line error naming the file and the fix
    ///   (``TLSError``, ``ConfigurationError``).
    public init(configuration: ServerConfiguration, logger: Logger) throws {
        try configuration.validate()
        self.configuration = configuration
        self.logger = logger
        let tlsSettings = try Self.tlsConfiguration(configuration)
        let tlsContext = try TLSContext(server: tlsSettings)
        self.tlsDates = NIOLockedValueBox((try? TLSFileDates(tlsSettings)) ?? TLSFileDates())
        let allowlist = try Allowlist.load(path: configuration.allowlistPath)
        if allowlist.isEmpty {
            logger.warning("the allowlist \(configuration.allowlistPath) is empty: nobody can log in until lines are added")
        }
        Self.warnAboutUnboundOperators(configuration.operators, allowlist: allowlist, logger: logger)
        var hubConfiguration = HubConfiguration()
        hubConfiguration.serverName = configuration.serverName
        hubConfiguration.networkName = configuration.networkName
        hubConfiguration.defaultChannel = configuration.defaultChannel
        hubConfiguration.motd = try configuration.loadMOTD()
        hubConfiguration.expiryWarningDays = configuration.limits.expiryWarningDays
        hubConfiguration.maxLinesBeforeRegistration = configuration.limits.maxLinesBeforeRegistration
        hubConfiguration.maxSessionsPerNick = configuration.limits.maxSessionsPerNick
        hubConfiguration.replayOnJoin = configuration.history.enabled ? configuration.history.replayOnJoin : 0
        hubConfiguration.replayMaxAge = configuration.history.replayMaxAge
        hubConfiguration.auditText = configuration.moderation.auditText
        let (filter, auditLog) = try Self.loadModeration(configuration, logger: logger)
        self.auditLog = auditLog
        // The history writer reports each batch from its own thread; the hub takes it up on
        // its loop. The hub is made after the store, so the report finds it through a box.
        let hubForHistory = NIOLockedValueBox<NIOLoopBoundBox<Hub>?>(nil)
        let instruments = self.instruments
        let history = try Self.openHistory(configuration, logger: logger) { outcome in
            if let duration = outcome.commitDuration {
                instruments.historyCommitted(after: duration)
            }
            guard let hub = hubForHistory.withLockedValue({ $0 }) else { return }
            hub.eventLoop.execute { hub.value.historyBatchFinished(outcome) }
        }
        hubConfiguration.messageIDs = history?.sequencer ?? LocalHistorySequencer(epoch: Self.volatileEpoch())
        hubConfiguration.hasHistoryLog = history != nil
        self.history = history
        let openReports: [StoredReport]
        let readMarkers: [ReadMarker]
        do {
            openReports = try history?.openReports() ?? []
            readMarkers = try history?.readMarkers() ?? []
        } catch {
            let reason = (error as? HistoryStoreError)?.reason ?? "\(error)"
            throw ConfigurationError(.fileUnreadable, "the open reports and read markers cannot be read from the history log: \(reason)")
        }
        let limits = configuration.limits
        self.hubGroup = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        self.ioGroup = MultiThreadedEventLoopGroup(numberOfThreads: limits.ioThreads)
        self.healthGroup = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let hubLoop = self.hubGroup.next()
        self.listening = hubLoop.makePromise(of: SocketAddress.self)
        self.healthListening = hubLoop.makePromise(of: [SocketAddress].self)
        let sharedContext = NIOLockedValueBox(tlsContext)
        self.tlsContext = sharedContext
        let gate = ConnectionGate(limits: limits, logger: logger)
        self.gate = gate
        // Made here and handed to the loop whole: nothing else holds the hub, so the caller
        // (often an async task) never waits for the loop to build it.
        let hub = NIOLoopBoundBox.makeBoxSendingValue(
            Hub(
                loop: hubLoop,
                configuration: configuration,
                hubConfiguration: hubConfiguration,
                allowlist: allowlist,
                tlsContext: sharedContext,
                gate: gate,
                history: history,
                auditLog: auditLog,
                openReports: openReports,
                readMarkers: readMarkers,
                logger: logger
            ),
            eventLoop: hubLoop
        )
        hubForHistory.withLockedValue { $0 = hub }
        if let filter {
            hubLoop.execute { hub.value.state.setFilter(filter) }
        }
        self.hub = hub
        let workers = limits.handshakeThreads > 0 ? HandshakeWorkers(count: limits.handshakeThreads) : nil
        self.handshakeWorkers = workers
        self.ioLoops = self.ioGroup.makeIterator().enumerated().map { index, loop in
            IOLoop(
                eventLoop: loop, index: index, hub: hub, tlsContext: sharedContext, limits: limits, gate: gate,
                instruments: instruments, handshakeWorkers: workers, logger: logger
            )
        }
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
        let endpoints: [HealthServer]
        do {
            endpoints = try await self.startHealthEndpoints()
            self.healthListening.succeed(endpoints.map(\.localAddress))
        } catch {
            self.healthListening.fail(error)
            self.listening.fail(error)
            try await self.stopGroups()
            throw error
        }
        let listener: any Channel
        self.handshakeWorkers?.start()
        do {
            listener = try await ServerBootstrap(group: self.ioGroup)
                .serverChannelOption(.backlog, value: 1024)
                .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
                .childChannelOption(.writeBufferWaterMark, value: .init(low: limits.sendQueueBytes / 2, high: limits.sendQueueBytes))
                // Left to itself the kernel grows a socket's send buffer to 4 MiB for a peer
                // that stops reading, all of it before `sendq` counts a byte; a fixed small
                // buffer makes `sendq` the bound it claims to be (the kernel doubles it).
                .childChannelOption(.socketOption(.so_sndbuf), value: ServerConfiguration.Limits.socketSendBufferBytes)
                // Each connection keeps its receive buffer between reads; IRC lines are short,
                // so start small (NIO grows it for bulk input) rather than at 2 KiB each.
                .childChannelOption(.recvAllocator, value: AdaptiveRecvByteBufferAllocator(minimum: 64, initial: 512, maximum: 65_536))
                .childChannelInitializer { [ioLoops = self.ioLoops] channel in
                    guard let io = ioLoops.first(where: { $0.eventLoop === channel.eventLoop }) else {
                        return channel.close()
                    }
                    return Self.initialize(channel, io: io)
                }
                .bind(host: self.configuration.host, port: self.configuration.port)
                .get()
        } catch {
            self.listening.fail(error)
            for endpoint in endpoints { await endpoint.close() }
            try await self.stopGroups()
            throw ConfigurationError(
                .invalidValue,
                "cannot listen on \(self.configuration.host):\(self.configuration.port): \(error)"
            )
        }
        if let address = listener.localAddress {
            self.listening.succeed(address)
        }
        self.logHealthEndpoints(endpoints)
        self.health.withLockedValue { $0.isListening = true }
        let probes = ([hub.eventLoop] + self.ioLoops.map(\.eventLoop)).map {
            LoopLagProbe(loop: $0, instruments: self.instruments)
        }
        probes.forEach { $0.start() }
        self.logger.notice(
            "listening on \(self.configuration.host):\(listener.localAddress?.port ?? self.configuration.port)",
            metadata: [
                "allowlist": "\(self.configuration.allowlistPath)", "io_threads": "\(self.ioLoops.count)",
                "handshake_threads": "\(self.handshakeWorkers?.count ?? 0)",
                "history": "\(self.history.map { "\($0.path), durability \(self.configuration.history.durability.rawValue)" } ?? "off")",
            ]
        )
        let logger = self.logger
        let watcher = FileWatcher(path: self.configuration.allowlistPath, eventLoop: hub.eventLoop) { change in
            logger.info("allowlist file \(change == .removed ? "removed" : "changed") on disk")
            hub.value.reloadAllowlist(contents: change.contents)
        }
        watcher.start()
        let filterWatcher = self.configuration.moderation.filterPath.map { path in
            FileWatcher(path: path, eventLoop: hub.eventLoop) { change in
                logger.info("filter file \(change == .removed ? "removed" : "changed") on disk")
                // A removed file is not an empty filter: the rules in force stay.
                guard let contents = change.contents else { return }
                hub.value.reloadFilter(contents: contents)
            }
        }
        filterWatcher?.start()
        let daily = hub.eventLoop.scheduleRepeatedTask(initialDelay: .zero, delay: .hours(24)) { _ in
            hub.value.logExpiringCertificates()
        }
        // The last of a wave of refusals is summed up too, once its window ends.
        let window = TimeAmount(self.configuration.limits.refusalLogWindow)
        let summaries = hub.eventLoop.scheduleRepeatedTask(initialDelay: window, delay: window) { [gate = self.gate] _ in
            gate.logSummary()
        }
        let pruning = self.schedulePruning(on: hub.eventLoop)

        try? await gracefulShutdown()

        // Not ready from now on, so a load balancer sends new clients elsewhere; the chat
        // goes on for drain_seconds, then says goodbye.
        self.health.withLockedValue { $0.isDraining = true }
        let drain = self.configuration.metrics.drain
        if drain > .zero {
            self.logger.notice("draining: /readyz answers 503; shutting down in \(drain)")
            try? await Task.sleep(for: drain)
        }
        self.logger.notice("shutting down")
        probes.forEach { $0.stop() }
        daily.cancel()
        summaries.cancel()
        pruning?.cancel()
        watcher.stop()
        filterWatcher?.stop()
        try? await listener.close()
        // Wait until every session has closed (close_notify answered or timed out), at most 5 s.
        let done = hub.eventLoop.makePromise(of: Void.self)
        hub.eventLoop.flatSubmit { hub.value.shutdown() }.cascade(to: done)
        let deadline = hub.eventLoop.scheduleTask(in: .seconds(5)) { done.succeed() }
        try? await done.futureResult.get()
        deadline.cancel()
        // Whatever was queued is committed before the process ends (its report still finds
        // the hub's loop running).
        await self.history?.close()
        self.auditLog?.drain()
        for endpoint in endpoints { await endpoint.close() }
        try await self.stopGroups()
    }

    private func stopGroups() async throws {
        try await self.ioGroup.shutdownGracefully()
        try await self.healthGroup.shutdownGracefully()
        await self.handshakeWorkers?.shutdown()
        try await self.hubGroup.shutdownGracefully()
    }

    /// Reloads the allowlist, the TLS files and server.toml's `[operators]` (SIGHUP). A file
    /// that fails to load is logged with its reason and the previous one stays in force.
    public func reload() {
        let configuration = self.configuration
        let logger = self.logger
        let hub = self.hub
        let dates = self.tlsDates
        hub.eventLoop.execute {
            hub.value.reloadAllowlist()
            if let file = configuration.configurationFile {
                do throws(ConfigurationError) {
                    let fresh = try ServerConfiguration.load(tomlAt: file)
                    Self.warnAboutUnboundOperators(fresh.operators, allowlist: hub.value.allowlist, logger: logger)
                    hub.value.reloadOperators(fresh.operators)
                } catch {
                    logger.error("operators not reloaded, the previous ones stay in force: \(error.reason)")
                }
            }
            hub.value.reloadFilter()
            do {
                let settings = try Self.tlsConfiguration(configuration)
                let context = try TLSContext(server: settings)
                hub.value.reloadTLS(context)
                hub.value.counters.tlsReloads[.success, default: 0] += 1
                hub.value.counters.tlsReloadedAt = Date()
                if let fresh = try? TLSFileDates(settings) { dates.withLockedValue { $0 = fresh } }
                logger.notice("TLS files reloaded; live sessions they no longer admit are being closed")
                if let certificate = context.certificate {
                    Self.warnIfExpiring(certificate, days: configuration.limits.expiryWarningDays, logger: logger)
                }
            } catch {
                hub.value.counters.tlsReloads[.rejected, default: 0] += 1
                logger.error("TLS files not reloaded, the previous ones stay in force: \(error)")
            }
        }
    }

    /// Number of admitted sessions (for tests and metrics).
    public var sessionCount: Int {
        get async throws { try await self.hub.eventLoop.submit { self.hub.value.sessionCount }.get() }
    }

    // MARK: helpers

    /// Sets up one accepted connection on its I/O loop, or closes it at once when it is
    /// over a limit (``ConnectionGate``).
    private static func initialize(_ channel: any Channel, io: IOLoop) -> EventLoopFuture<Void> {
        let address = channel.remoteAddress?.ipAddress ?? "unknown"
        guard let id = io.gate.enter(channel, address: address) else {
            return channel.eventLoop.makeSucceededVoidFuture()
        }
        return channel.eventLoop.makeCompletedFuture {
            let sync = channel.pipeline.syncOperations
            let context = io.tlsContext.withLockedValue { $0 }
            if let jobs = io.handshakeJobs {
                try sync.addHandler(TLSHandler(context: context, handshakeExecutor: jobs))
            } else {
                try sync.addHandler(HandshakePacer(budget: io.handshakes.value))
                try sync.addHandler(TLSHandler(context: context))
            }
            try sync.addHandler(SessionHandler(io: io, address: address, connectionID: id))
        }
    }

    /// Loads the filter file when `[moderation] filter` is set, and opens the audit log
    /// when there is something to audit: a filter, or reports (which need the history
    /// log, where they are kept, and `[operators]`, who read them).
    ///
    /// - Throws: ``ConfigurationError`` for a filter file with any problem (`path:line`)
    ///   or a logs directory that cannot be written.
    private static func loadModeration(
        _ configuration: ServerConfiguration, logger: Logger
    ) throws(ConfigurationError) -> (ModerationFilter?, ModerationAuditLog?) {
        guard let path = configuration.moderation.filterPath else {
            guard configuration.history.enabled, !configuration.operators.isEmpty else { return (nil, nil) }
            return (nil, try ModerationAuditLog(directory: configuration.resolvedLogsDirectory, logger: logger))
        }
        let filter = try ModerationFilter.load(path: path)
        let auditLog = try ModerationAuditLog(directory: configuration.resolvedLogsDirectory, logger: logger)
        auditLog.append(ModerationAuditEvent(time: Date(), kind: .filterReload(path: path, rules: filter.rules.count, error: nil)))
        logger.notice("filter: \(filter.rules.count) rules from \(path); audit log \(auditLog.path)")
        return (filter, auditLog)
    }

    /// Opens the history log in the data directory, or returns nil when history is off.
    ///
    /// - Throws: ``ConfigurationError`` naming the directory and the fix when it cannot be
    ///   created or written, or the database is unusable (written by a newer version).
    private static func openHistory(
        _ configuration: ServerConfiguration,
        logger: Logger,
        onBatch: @escaping @Sendable (HistoryBatchOutcome) -> Void
    ) throws -> HistoryStore? {
        guard configuration.history.enabled else { return nil }
        let directory = configuration.resolvedDataDirectory
        var settings = HistoryStoreConfiguration(directory: URL(fileURLWithPath: directory))
        settings.durability = configuration.history.durability
        do {
            let store = try HistoryStore(configuration: settings, onBatch: onBatch) { isBehind in
                if isBehind {
                    logger.warning("history: the disk is behind; messages wait to be stored")
                } else {
                    logger.notice("history: the disk caught up")
                }
            }
            return store
        } catch {
            let reason = (error as? HistoryStoreError)?.reason ?? "\(error)"
            throw ConfigurationError(
                .fileUnreadable,
                "the data directory \(directory) is not usable: \(reason); make it writable by the server's user, "
                    + "or set data_dir (--data-dir), or [history] enabled = false"
            )
        }
    }

    /// Deletes what `[history] retention` and `max_messages_per_target` no longer keep:
    /// a minute after start, then hourly, on the log's writer in small transactions, so
    /// that nobody's message waits long behind it.
    private func schedulePruning(on loop: any EventLoop) -> RepeatedTask? {
        guard let history = self.history else { return nil }
        let settings = self.configuration.history
        let logger = self.logger
        return loop.scheduleRepeatedTask(initialDelay: .minutes(1), delay: .hours(1)) { _ in
            let retention = settings.pruning(now: Date())
            Task {
                do {
                    let report = try await history.prune(retention)
                    if report.deletedByAge + report.deletedByCount > 0 {
                        logger.notice(
                            "history: deleted \(report.deletedByAge) messages past retention and \(report.deletedByCount) beyond max_messages_per_target"
                        )
                    }
                } catch {
                    logger.error("history: pruning failed: \(error)")
                }
            }
        }
    }

    /// An epoch for msgids when nothing is stored: the minutes since 2020, so that IDs
    /// stay increasing across restarts without a database (two starts within one minute
    /// would reuse IDs; with history on, the database hands out epochs instead).
    private static func volatileEpoch() -> Int64 {
        let minutes = (Int64(Date().timeIntervalSince1970) - 1_577_836_800) / 60
        return min(max(1, minutes), MessageID.maximumEpoch)
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

    /// Logs each nick `[operators]` lists that the allowlist binds to no certificate:
    /// nobody can become that operator until a line binds it.
    private static func warnAboutUnboundOperators(_ operators: OperatorList, allowlist: Allowlist, logger: Logger) {
        for case .nick(let nick) in operators.entries.keys.sorted(by: { $0.description < $1.description })
        where allowlist.fingerprints(boundTo: nick).isEmpty {
            logger.warning("[operators] lists \(nick), whom the allowlist binds to no certificate: nobody can be that operator")
        }
    }

    private static func warnIfExpiring(_ certificate: CertificateInfo, days: Int, logger: Logger) {
        let left = certificate.daysUntilExpiry()
        if left <= days {
            logger.warning("the server certificate expires in \(left) days (\(certificate.notAfter)); renew it with scripts/gen-certs.sh server NAME")
        }
    }
}
