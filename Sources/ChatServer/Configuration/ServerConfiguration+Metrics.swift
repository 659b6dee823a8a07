import ServerMetrics
import TLS

extension ServerConfiguration {
    /// Where the server answers `GET /metrics`, `/livez` and `/readyz`, and how it stops.
    public struct Metrics: Sendable, Equatable {
        /// `[metrics] listen`: `/metrics` with the health checks, plain HTTP on a loopback
        /// address, mutual TLS for the scrapers in ``allow`` on any other; nil
        /// (`listen = ""`) turns it off.
        public var listen: ListenAddress? = ServerConfiguration.Metrics.defaultListen
        /// `[metrics] allow`: the scrapers' certificate or key fingerprints. On an address
        /// other than loopback `/metrics` needs mutual TLS (the server certificate, the client
        /// CA and CRL of the chat) and a client certificate these name.
        public var allow: [Fingerprint] = []
        /// `[health] listen`: plain HTTP with `/livez` and `/readyz` only (no metrics), for
        /// a load balancer's health check; any address. Off by default.
        public var healthListen: ListenAddress?
        /// `drain_seconds`: after SIGTERM, `/readyz` answers 503 at once and the chat goes
        /// on this long before the goodbye, so a load balancer stops sending new clients.
        public var drain: Duration = .zero

        /// `127.0.0.1:9697`.
        public static let defaultListen = ListenAddress(host: "127.0.0.1", port: 9697)

        public init() {}

        /// Whether `/metrics` is served over mutual TLS (a non-loopback address).
        var needsTLS: Bool { self.listen.map { !$0.isLoopback } ?? false }

        /// Why this setting must not start, or nil when it may.
        func problem() -> String? {
            guard let listen = self.listen, self.needsTLS, self.allow.isEmpty else { return nil }
            return "[metrics] listen = \"\(listen)\" is not a loopback address, so it needs mutual TLS and a scraper "
                + "allowlist: add [metrics] allow = [\"spki:…\"] with the fingerprint of each scraper's client certificate "
                + "(scripts/gen-certs.sh fingerprint FILE), or listen on 127.0.0.1, or set listen = \"\" to turn it off"
        }
    }
}
