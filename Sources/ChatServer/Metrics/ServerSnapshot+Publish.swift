import Foundation
import ServerMetrics
import TLS

extension ServerSnapshot {
    /// The version `securechat_build_info` reports.
    static let version = "0.1.0"

    /// Sets every series of this snapshot in `registry`. Labelled counters are published for
    /// every value of their closed set, zeros included, so that `rate()` and `increase()`
    /// see a series from the start.
    func publish(into registry: MetricsRegistry, now: Date = Date()) {
        registry.gauge(
            "securechat_build_info", help: "The server's version and the OpenSSL it runs with; always 1.",
            labels: [("version", Self.version), ("openssl_version", OpenSSLLibrary.version)], value: 1)
        self.publishConnections(into: registry)
        self.publishTLS(into: registry, now: now)
        self.publishChat(into: registry)
        if let backlog = self.historyBacklog {
            registry.gauge(
                "securechat_history_queued_messages", help: "Messages waiting for the history writer.",
                value: Double(backlog))
        }
    }

    private func publishConnections(into registry: MetricsRegistry) {
        let handshaking = self.gate.handshaking
        for (state, count) in [("handshaking", handshaking), ("registering", self.registering), ("registered", self.registered)] {
            registry.gauge(
                "securechat_connections", help: "Connections open now, by state.", labels: [("state", state)],
                value: Double(count))
        }
        registry.counter(
            "securechat_connections_accepted_total", help: "TCP connections accepted (within the connection limits).",
            value: self.gate.accepted)
        for reason in ConnectionGate.Counts.Rejection.allCases {
            registry.counter(
                "securechat_connections_rejected_total", help: "TCP connections closed at once by a connection limit, by reason.",
                labels: [("reason", reason.rawValue)], value: self.gate.rejected[reason, default: 0])
        }
        for reason in HubCounters.AdmissionRefusal.allCases {
            registry.counter(
                "securechat_admissions_refused_total",
                help: "Peers that completed the TLS handshake but were not admitted to the chat, by reason.",
                labels: [("reason", reason.rawValue)], value: self.hub.admissionsRefused[reason, default: 0])
        }
        for reason in DisconnectReason.allCases {
            registry.counter(
                "securechat_disconnects_total", help: "Admitted sessions that ended, by reason.",
                labels: [("reason", reason.rawValue)], value: self.hub.disconnects[reason, default: 0])
        }
    }

    private func publishTLS(into registry: MetricsRegistry, now: Date) {
        let failures = self.transport.handshakeFailures.values.reduce(0, +)
        for (result, count) in [("success", self.transport.handshakesSucceeded), ("failure", failures)] {
            registry.counter(
                "securechat_tls_handshakes_total", help: "Server-side TLS handshakes that ended, by result.",
                labels: [("result", result)], value: count)
        }
        for kind in TLSFailureKind.allCases {
            registry.counter(
                "securechat_tls_handshake_failures_total", help: "Failed TLS handshakes, by reason.",
                labels: [("reason", kind.rawValue)], value: self.transport.handshakeFailures[kind, default: 0])
        }
        for (name, counts, last) in [
            ("allowlist", self.hub.allowlistReloads, self.hub.allowlistReloadedAt),
            ("tls", self.hub.tlsReloads, self.hub.tlsReloadedAt),
        ] {
            for result in HubCounters.ReloadResult.allCases {
                registry.counter(
                    "securechat_\(name)_reloads_total", help: "Reloads of the \(name == "tls" ? "TLS files" : "allowlist"), by result.",
                    labels: [("result", result.rawValue)], value: counts[result, default: 0])
            }
            registry.gauge(
                "securechat_\(name)_last_reload_success_timestamp_seconds",
                help: "When the \(name == "tls" ? "TLS files were" : "allowlist was") last loaded successfully (Unix time).",
                value: (last ?? self.loadedAt).timeIntervalSince1970)
        }
        let expiries: [(String, Date?)] = [
            ("server", self.tlsDates.serverCertificate), ("client_ca", self.tlsDates.clientCA),
            ("crl_next_update", self.tlsDates.crlNextUpdate), ("earliest_client", self.earliestClientCertificate),
        ]
        for (certificate, date) in expiries {
            guard let date else { continue }
            registry.gauge(
                "securechat_certificate_expiry_timestamp_seconds",
                help: "When each certificate expires, or the CRL must be replaced (Unix time); earliest_client is the "
                    + "earliest among client certificates seen in the last 30 days.",
                labels: [("certificate", certificate)], value: date.timeIntervalSince1970)
        }
        registry.gauge(
            "securechat_client_certificates_expiring",
            help: "Client certificates seen in the last 30 days that expire within expiry_warning_days.",
            value: Double(self.clientCertificatesExpiringSoon))
    }

    private func publishChat(into registry: MetricsRegistry) {
        registry.gauge("securechat_allowlist_entries", help: "Lines in the allowlist in force.", value: Double(self.allowlistEntries))
        registry.gauge("securechat_channels", help: "Channels that exist now.", value: Double(self.channels))
        for (key, count) in self.statistics.messages {
            registry.counter(
                "securechat_messages_received_total", help: "Lines received that parsed, by command and target kind.",
                labels: [("command", key.command), ("target", key.target.rawValue)], value: count)
        }
        for reason in HubStatistics.RefusedLine.allCases {
            registry.counter(
                "securechat_lines_refused_total", help: "Lines refused before any command saw them, by reason.",
                labels: [("reason", reason.rawValue)], value: self.statistics.refusedLines[reason, default: 0])
        }
        registry.counter(
            "securechat_deliveries_total", help: "Copies of messages routed to sessions.", value: self.hub.deliveries)
        registry.counter(
            "securechat_received_bytes_total", help: "IRC bytes read from clients, after TLS.", value: self.transport.receivedBytes)
        registry.counter(
            "securechat_sent_bytes_total", help: "IRC bytes routed to clients, before TLS.", value: self.hub.sentBytes)
        registry.counter(
            "securechat_flood_delayed_lines_total", help: "Lines flood control held back before passing them on.",
            value: self.transport.floodDelayedLines)
        registry.gauge(
            "securechat_largest_sendq_bytes", help: "The most bytes queued for one client, not yet taken by its socket.",
            value: Double(self.transport.largestSendQueue))
    }
}
