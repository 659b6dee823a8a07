@testable import ChatServer
import Foundation
import NIOCore
import ServerMetrics
import TLS
import TestSupport
import Testing

@Suite("metrics and health endpoints", .timeLimit(.minutes(1)))
struct ServerMetricsTests {
    /// Runs `body` with a server whose `[metrics] listen` is 127.0.0.1 port 0; `body` gets
    /// the metrics port (and the health port with `health`).
    func withMetricsServer(
        health: Bool = false,
        pki: TestPKI? = nil,
        configure: @escaping (inout ServerConfiguration) -> Void = { _ in },
        _ body: (TestServer, _ metrics: Int, _ health: Int?) async throws -> Void
    ) async throws {
        try await withTestServer(pki: pki, configure: { configuration in
            configuration.metrics.listen = ListenAddress(host: "127.0.0.1", port: 0)
            if health { configuration.metrics.healthListen = ListenAddress(host: "127.0.0.1", port: 0) }
            configure(&configuration)
        }) { server in
            let ports = try await server.server.healthAddresses.compactMap(\.port)
            try await body(server, ports[0], ports.count > 1 ? ports[1] : nil)
        }
    }

    func scrape(_ port: Int) async throws -> [MetricsSample] {
        let response = try await httpRequest(port: port, path: "/metrics")
        #expect(response.status == 200)
        return MetricsSample.parse(response.body)
    }

    // MARK: endpoints

    @Test func metricsServesThePrometheusTextFormat() async throws {
        try await withMetricsServer { _, port, _ in
            let response = try await httpRequest(port: port, path: "/metrics")
            #expect(response.status == 200)
            #expect(response.headers["content-type"] == "text/plain; version=0.0.4; charset=utf-8")
            #expect(response.body.contains("# TYPE securechat_connections_accepted_total counter"))
            #expect(response.body.contains("# TYPE securechat_tls_handshake_duration_seconds histogram"))
        }
    }

    @Test func everySeriesIsThereWithItsClosedLabelSet() async throws {
        try await withMetricsServer { _, port, _ in
            let samples = try await self.scrape(port)
            let names = Set(samples.map(\.name))
            for name in [
                "securechat_connections", "securechat_connections_accepted_total", "securechat_connections_rejected_total",
                "securechat_tls_handshakes_total", "securechat_tls_handshake_failures_total",
                "securechat_tls_handshake_duration_seconds_bucket", "securechat_admissions_refused_total",
                "securechat_disconnects_total", "securechat_allowlist_reloads_total",
                "securechat_allowlist_last_reload_success_timestamp_seconds", "securechat_tls_reloads_total",
                "securechat_tls_last_reload_success_timestamp_seconds", "securechat_allowlist_entries",
                "securechat_lines_refused_total", "securechat_deliveries_total", "securechat_received_bytes_total",
                "securechat_sent_bytes_total", "securechat_flood_delayed_lines_total", "securechat_largest_sendq_bytes",
                "securechat_channels", "securechat_certificate_expiry_timestamp_seconds",
                "securechat_client_certificates_expiring", "securechat_event_loop_lag_seconds_bucket",
                "securechat_history_queued_messages", "securechat_history_commit_duration_seconds_bucket",
                "securechat_build_info", "process_cpu_seconds_total", "process_resident_memory_bytes",
                "process_open_fds", "process_max_fds", "process_start_time_seconds",
            ] {
                #expect(names.contains(name), "missing \(name)")
            }
            let labelSets: [String: (String, Set<String>)] = [
                "securechat_connections": ("state", ["handshaking", "registering", "registered"]),
                "securechat_tls_handshakes_total": ("result", ["success", "failure"]),
                "securechat_tls_handshake_failures_total": ("reason", Set(TLSFailureKind.allCases.map(\.rawValue))),
                "securechat_allowlist_reloads_total": ("result", ["success", "rejected"]),
                "securechat_connections_rejected_total": (
                    "reason", ["max_connections", "max_connections_per_address", "handshake_evicted"]
                ),
                "securechat_certificate_expiry_timestamp_seconds": ("certificate", ["server", "client_ca"]),
            ]
            for (name, (label, values)) in labelSets {
                let seen = Set(samples.filter { $0.name == name }.compactMap { $0.labels[label] })
                #expect(seen == values, "\(name){\(label)}")
            }
            #expect(samples.value("securechat_allowlist_entries") == 3)
            #expect(samples.value("securechat_build_info", ["version": "0.1.0"]) == 1)
            let expiry = try #require(samples.value("securechat_certificate_expiry_timestamp_seconds", ["certificate": "server"]))
            #expect(expiry > Date().timeIntervalSince1970)
        }
    }

    @Test func livezAndReadyzAnswer200WhileServing() async throws {
        try await withMetricsServer { _, port, _ in
            let live = try await httpRequest(port: port, path: "/livez")
            #expect(live.status == 200 && live.body == "ok\n")
            let ready = try await httpRequest(port: port, path: "/readyz")
            #expect(ready.status == 200 && ready.body == "ready\n")
        }
    }

    @Test func otherPathsAre404AndOtherMethods405() async throws {
        try await withMetricsServer { _, port, _ in
            #expect(try await httpRequest(port: port, path: "/").status == 404)
            #expect(try await httpRequest(port: port, path: "/metrics", method: "POST").status == 405)
            let head = try await httpRequest(port: port, path: "/readyz", method: "HEAD")
            #expect(head.status == 200 && head.body.isEmpty)
        }
    }

    @Test func healthListenerServesTheChecksButNotTheMetrics() async throws {
        try await withMetricsServer(health: true) { _, _, health in
            let port = try #require(health)
            #expect(try await httpRequest(port: port, path: "/livez").status == 200)
            #expect(try await httpRequest(port: port, path: "/readyz").status == 200)
            #expect(try await httpRequest(port: port, path: "/metrics").status == 404)
        }
    }

    @Test func metricsAreNeverServedOnTheChatPort() async throws {
        try await withMetricsServer { server, port, _ in
            #expect(server.port != port)
        }
    }

    @Test func readyzTurns503AtOnceOnShutdownWhileTheChatDrains() async throws {
        let server = try await TestServer.start(pki: try TestPKI(), allow: ["alice"]) { configuration in
            configuration.metrics.listen = ListenAddress(host: "127.0.0.1", port: 0)
            configuration.metrics.drain = .seconds(3)
        }
        let port = try #require(try await server.server.healthAddresses.first?.port)
        let alice = try await server.login("alice")
        let stopping = Task { try await server.stop() }
        try await waitUntilAsync("/readyz answers 503") { try await httpRequest(port: port, path: "/readyz").status == 503 }
        // Draining: the chat still goes on, and the hub is alive.
        try await alice.send("PING :still-here")
        try await alice.waitForLine { $0.contains("PONG") && $0.hasSuffix("still-here") }
        #expect(try await httpRequest(port: port, path: "/livez").status == 200)
        try await alice.waitFor("ERROR", timeout: .seconds(10))
        try await stopping.value
    }

    // MARK: refusals

    @Test func nonLoopbackMetricsAddressRefusesToStart() throws {
        var configuration = ConfigurationTests.complete()
        configuration.metrics.listen = ListenAddress(host: "0.0.0.0", port: 9697)
        let error = #expect(throws: ConfigurationError.self) { try configuration.validate() }
        #expect(error?.reason.contains("[metrics] listen = \"0.0.0.0:9697\" is not a loopback address") == true)
        #expect(error?.reason.contains("\n") == false)
    }

    @Test(arguments: ["127.0.0.1:9697", "[::1]:9697", "localhost:0"])
    func loopbackMetricsAddressesAreAccepted(text: String) {
        var metrics = ServerConfiguration.Metrics()
        metrics.listen = ListenAddress(parsing: text)
        #expect(metrics.listen?.isLoopback == true)
        #expect(metrics.problem() == nil)
    }

    @Test func nonLoopbackMetricsNeedsAScraperAllowlist() throws {
        var configuration = ConfigurationTests.complete()
        try configuration.apply(toml: "[metrics]\nlisten = \"10.0.0.5:9697\"\n", path: "server.toml")
        let error = #expect(throws: ConfigurationError.self) { try configuration.validate() }
        #expect(error?.reason.contains("needs mutual TLS and a scraper allowlist: add [metrics] allow") == true)
        let spki = "spki:" + String(repeating: "ab", count: 32)
        try configuration.apply(toml: "[metrics]\nallow = [\"\(spki)\"]\n", path: "server.toml")
        #expect(configuration.metrics.allow == [try Fingerprint(parsing: spki)])
        try configuration.validate()
        let bad = #expect(throws: ConfigurationError.self) {
            try configuration.apply(toml: "[metrics]\nallow = [\"md5:00\"]\n", path: "server.toml")
        }
        #expect(bad?.reason.hasPrefix("server.toml:2: metrics.allow [0] is not a fingerprint") == true)
    }

    @Test func nonLoopbackMetricsAreServedOverMutualTLSToAllowedScrapersOnly() async throws {
        let pki = try TestPKI()
        let scraper = try pki.client("alice").info().publicKeyFingerprint
        // Any address is "not loopback" here; the test only connects through 127.0.0.1.
        try await withTestServer(pki: pki, configure: { configuration in
            configuration.metrics.listen = ListenAddress(host: "0.0.0.0", port: 0)
            configuration.metrics.allow = [scraper]
        }) { server in
            let port = try #require(try await server.server.healthAddresses.first?.port)
            let allowed = try await httpRequest(port: port, path: "/metrics", tls: try pki.clientContext("alice"))
            #expect(allowed.status == 200)
            #expect(allowed.body.contains("securechat_connections_accepted_total"))
            // Closed right after its handshake: no response, whichever way the client notices.
            let refused = try? await httpRequest(port: port, path: "/metrics", tls: try pki.clientContext("bob"))
            #expect(refused == nil)
            let plain = try? await httpRequest(port: port, path: "/metrics")
            #expect(plain?.status != 200)
            try await waitUntil("the refusal to be logged") {
                server.log.contains("metrics: refused a scraper")
            }
        }
    }

    @Test func metricsSettingsAreReadFromTheFile() throws {
        var configuration = ServerConfiguration()
        try configuration.apply(
            toml: "drain_seconds = 5\n[metrics]\nlisten = \"[::1]:9100\"\n[health]\nlisten = \"0.0.0.0:8080\"\n", path: "s.toml")
        #expect(configuration.metrics.listen == ListenAddress(host: "::1", port: 9100))
        #expect(configuration.metrics.healthListen == ListenAddress(host: "0.0.0.0", port: 8080))
        #expect(configuration.metrics.drain == .seconds(5))
        try configuration.apply(toml: "[metrics]\nlisten = \"\"\n", path: "s.toml")
        #expect(configuration.metrics.listen == nil)
        let error = #expect(throws: ConfigurationError.self) {
            try configuration.apply(toml: "[metrics]\nlisten = \"9697\"\n", path: "s.toml")
        }
        #expect(error?.reason.hasPrefix("s.toml:2: metrics.listen must be host:port") == true)
    }

    @Test func metricsAddressInUseRefusesToStartNamingTheSetting() async throws {
        try await withMetricsServer { _, port, _ in
            let error = await #expect(throws: ConfigurationError.self) {
                let other = try await TestServer.start(pki: try TestPKI(), allow: ["alice"]) {
                    $0.metrics.listen = ListenAddress(host: "127.0.0.1", port: port)
                }
                try await other.stop()
            }
            #expect(error?.reason.contains("for [metrics] listen") == true)
        }
    }

    // MARK: counts

    @Test func countsMoveForAConnectionAHandshakeFailureAndADisconnect() async throws {
        try await withMetricsServer { server, port, _ in
            let before = try await self.scrape(port)
            let alice = try await server.login("alice")
            try await alice.send("PRIVMSG #lobby :hello")
            try await alice.send("QUIT :bye")
            try await alice.waitForClose()

            let foreign = try server.pki.foreignClient()
            let context = try TLSContext(
                client: server.pki.clientConfiguration(foreign, pins: [try server.pki.server.info().publicKeyFingerprint]))
            let mallory = try await IRCTestClient(port: server.port, context: context)
            _ = try await mallory.log.waitForError()

            var after: [MetricsSample] = []
            try await waitUntilAsync("the counts to move") {
                after = try await self.scrape(port)
                return after.value("securechat_disconnects_total", ["reason": "quit"]) == 1
                    && after.value("securechat_tls_handshake_failures_total", ["reason": "unknown_ca"]) == 1
            }
            func moved(_ name: String, _ labels: [String: String] = [:]) -> Double {
                (after.value(name, labels) ?? 0) - (before.value(name, labels) ?? 0)
            }
            #expect(moved("securechat_connections_accepted_total") == 2)
            #expect(moved("securechat_tls_handshakes_total", ["result": "success"]) == 1)
            #expect(moved("securechat_tls_handshakes_total", ["result": "failure"]) == 1)
            #expect(after.value("securechat_messages_received_total", ["command": "PRIVMSG", "target": "channel"]) == 1)
            #expect(after.value("securechat_messages_received_total", ["command": "NICK", "target": "none"]) == 1)
            #expect(moved("securechat_deliveries_total") >= 1)
            #expect(moved("securechat_received_bytes_total") > 0)
            #expect(moved("securechat_sent_bytes_total") > 0)
            #expect(after.value("securechat_tls_handshake_duration_seconds_count") == 1)
            #expect(after.value("securechat_certificate_expiry_timestamp_seconds", ["certificate": "earliest_client"]) != nil)
            // No label names a person, an address or a key.
            let values = after.flatMap(\.labels.values)
            #expect(!values.contains { $0.contains("alice") || $0.contains("127.0.0.1") || $0.contains("sha256") })
        }
    }

    enum RefusedClient: String, CaseIterable, Sendable {
        case expired, notYetValid, revoked, noCertificate

        var reason: TLSFailureKind {
            switch self {
            case .expired: .expired
            case .notYetValid: .notYetValid
            case .revoked: .revoked
            case .noCertificate: .noCertificate
            }
        }

        func identity(_ pki: TestPKI) throws -> TestIdentity? {
            switch self {
            case .expired: try pki.expiredClient()
            case .notYetValid: try pki.notYetValidClient()
            case .revoked: try pki.revokedClient()
            case .noCertificate: nil
            }
        }
    }

    @Test(arguments: RefusedClient.allCases)
    func aRefusedHandshakeIsCountedUnderItsReason(_ client: RefusedClient) async throws {
        let pki = try TestPKI()
        let crl = try pki.crl().path(percentEncoded: false)
        try await withMetricsServer(pki: pki, configure: { $0.crlPath = crl }) { server, port, _ in
            let context = try TLSContext(
                client: server.pki.clientConfiguration(
                    try client.identity(server.pki), pins: [try server.pki.server.info().publicKeyFingerprint]))
            let peer = try await IRCTestClient(port: server.port, context: context)
            _ = try await peer.log.waitForError()
            try await waitUntilAsync("\(client.reason.rawValue) to be counted") {
                try await self.scrape(port).value(
                    "securechat_tls_handshake_failures_total", ["reason": client.reason.rawValue]) == 1
            }
            let samples = try await self.scrape(port)
            #expect(samples.value("securechat_tls_handshakes_total", ["result": "failure"]) == 1)
            #expect(samples.value("securechat_certificate_expiry_timestamp_seconds", ["certificate": "crl_next_update"]) != nil)
        }
    }

    @Test func aRejectedAllowlistReloadIsCounted() async throws {
        try await withMetricsServer { server, port, _ in
            try Data("alice not-a-fingerprint\n".utf8).write(to: URL(fileURLWithPath: server.allowlist.path))
            server.server.reload()
            try await waitUntilAsync("the rejected reload to be counted") {
                try await self.scrape(port).value("securechat_allowlist_reloads_total", ["result": "rejected"]) ?? 0 >= 1
            }
        }
    }

    // MARK: promtool

    @Test func promtoolAcceptsTheLiveOutput() async throws {
        guard let promtool = Self.promtool else {
            print("skipped: promtool is not installed (apt-get install prometheus); CI installs it")
            return
        }
        try await withMetricsServer { server, port, _ in
            let alice = try await server.login("alice")
            try await alice.send("PRIVMSG #lobby :hello")
            let body = try await httpRequest(port: port, path: "/metrics").body
            let result = try runCommand(promtool, ["check", "metrics"], input: body, timeout: 30)
            #expect(result.status == 0, "\(result)")
        }
    }

    @Test func promtoolAcceptsTheShippedAlertRules() throws {
        guard let promtool = Self.promtool else {
            print("skipped: promtool is not installed (apt-get install prometheus); CI installs it")
            return
        }
        let rules = packageRoot.appending(path: "deploy/prometheus/alerts.yml").path(percentEncoded: false)
        let result = try runCommand(promtool, ["check", "rules", rules], timeout: 30)
        #expect(result.status == 0, "\(result)")
    }

    static var promtool: String? {
        ["/usr/bin/promtool", "/usr/local/bin/promtool"].first { FileManager.default.isExecutableFile(atPath: $0) }
    }
}
