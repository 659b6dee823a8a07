import Foundation
import HistoryStore
import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import ServerMetrics
import TLS

extension ChatServer {
    /// How long `/livez` waits for the hub's loop to run a task.
    static let livenessDeadline = TimeAmount.seconds(5)

    /// One scrape: the hub's loop, then each I/O loop, hands over its counters (one hop
    /// each, nothing counted per message), and the result is written in the Prometheus
    /// text format.
    func scrape() -> EventLoopFuture<[UInt8]> {
        let hub = self.hub
        let ioLoops = self.ioLoops
        let now = Date()
        let base = {
            var base = ServerSnapshot()
            base.gate = self.gate.counts
            base.historyBacklog = self.history?.backlog
            base.tlsDates = self.tlsDates.withLockedValue { $0 }
            base.loadedAt = self.loadedAt
            return base
        }()
        let fromHub = hub.eventLoop.submit { () -> (ServerSnapshot, [(IOLoop, [SessionHandle])]) in
            var snapshot = base
            hub.value.fillSnapshot(&snapshot, now: now)
            return (snapshot, hub.value.handlesByLoop().map { ($0.loop, $0.handles) })
        }
        let registry = self.instruments.registry
        return fromHub.flatMap { snapshot, handlesByLoop in
            let transport = ioLoops.map { loop in
                loop.snapshot(handlesByLoop.first { $0.0 === loop }?.1 ?? [])
            }
            return EventLoopFuture.whenAllSucceed(transport, on: hub.eventLoop).map { counters in
                var snapshot = snapshot
                for loopCounters in counters { snapshot.transport.add(loopCounters) }
                return registry.scrape {
                    snapshot.publish(into: registry, now: now)
                    ProcessMetrics.read()?.publish(into: registry)
                }
            }
        }
    }

    /// What the HTTP endpoints answer.
    var healthRoutes: HealthRoutes {
        let hubLoop = self.hub.eventLoop
        let answerLoop = self.healthGroup.next()
        let health = self.health
        return HealthRoutes(
            metrics: { [self] in self.scrape() },
            isLive: { HealthRoutes.probe(hubLoop, within: Self.livenessDeadline, answeringOn: answerLoop) },
            isReady: { health.withLockedValue { $0.isListening && !$0.isDraining } }
        )
    }

    /// Starts `[metrics] listen` and `[health] listen`, when set (logged by
    /// ``logHealthEndpoints(_:)`` once the chat listens too).
    ///
    /// - Throws: ``ConfigurationError`` naming the setting when its address cannot be bound.
    func startHealthEndpoints() async throws -> [HealthServer] {
        let routes = self.healthRoutes
        var servers: [HealthServer] = []
        let settings = self.configuration.metrics
        for (key, address, serving) in [
            ("[metrics] listen", settings.listen, routes), ("[health] listen", settings.healthListen, routes.withoutMetrics),
        ] {
            guard let address else { continue }
            do {
                let secure = key == "[metrics] listen" && settings.needsTLS ? self.scraperTLS(allow: settings.allow) : nil
                let server = try await HealthServer.start(on: address, routes: serving, group: self.healthGroup, secure: secure)
                servers.append(server)
            } catch {
                for server in servers { await server.close() }
                throw ConfigurationError(
                    .invalidValue,
                    "cannot listen on \(address) for \(key): \(error); choose another address or port, or set listen = \"\" to turn it off"
                )
            }
        }
        return servers
    }

    /// Mutual TLS with the chat's certificate, client CA and CRL (as last reloaded), then
    /// the scraper allowlist, for each `/metrics` connection on a non-loopback address.
    private func scraperTLS(allow: [Fingerprint]) -> @Sendable (any Channel) throws -> Void {
        let context = self.tlsContext
        let logger = self.logger
        return { channel in
            let sync = channel.pipeline.syncOperations
            try sync.addHandler(TLSHandler(context: context.withLockedValue { $0 }))
            try sync.addHandler(ScraperGate(allow: allow, logger: logger))
        }
    }

    func logHealthEndpoints(_ servers: [HealthServer]) {
        for server in servers {
            let serves = server.servesMetrics ? "/metrics, /livez and /readyz" : "/livez and /readyz"
            let scheme = server.servesMetrics && self.configuration.metrics.needsTLS ? "https" : "http"
            self.logger.notice("serving \(serves) on \(scheme)://\(server.localAddress.ipAddress ?? "?"):\(server.localAddress.port ?? 0)")
        }
    }

    /// The addresses the metrics and health endpoints listen on, once ``run()`` bound them
    /// (`[metrics]` first); for tests, which use port 0.
    public var healthAddresses: [SocketAddress] {
        get async throws { try await self.healthListening.futureResult.get() }
    }
}

/// Whether the server is ready for new clients: set by ``ChatServer/run()``.
struct HealthState: Sendable {
    var isListening = false
    var isDraining = false
}

extension Duration {
    /// The duration in nanoseconds, clamped to `Int64`.
    var nanosecondsClamped: Int64 {
        let (seconds, attoseconds) = self.components
        let (product, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        return overflow ? .max : product &+ attoseconds / 1_000_000_000
    }
}
