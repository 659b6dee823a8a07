import ServerMetrics

extension ServerConfiguration {
    /// Where the server answers `GET /metrics`, `/livez` and `/readyz`, and how it stops.
    public struct Metrics: Sendable, Equatable {
        /// `[metrics] listen`: plain HTTP on a loopback address, `/metrics` with the health
        /// checks; nil (`listen = ""`) turns it off. Another machine's Prometheus scrapes
        /// through an agent or tunnel on this one: a non-loopback address is refused.
        public var listen: ListenAddress? = ServerConfiguration.Metrics.defaultListen
        /// `[health] listen`: plain HTTP with `/livez` and `/readyz` only (no metrics), for
        /// a load balancer's health check; any address. Off by default.
        public var healthListen: ListenAddress?
        /// `drain_seconds`: after SIGTERM, `/readyz` answers 503 at once and the chat goes
        /// on this long before the goodbye, so a load balancer stops sending new clients.
        public var drain: Duration = .zero

        /// `127.0.0.1:9697`.
        public static let defaultListen = ListenAddress(host: "127.0.0.1", port: 9697)

        public init() {}

        /// Why this setting must not start, or nil when it may.
        func problem() -> String? {
            guard let listen = self.listen, !listen.isLoopback else { return nil }
            return "[metrics] listen = \"\(listen)\" is not a loopback address: the metrics endpoint is plain HTTP "
                + "and serves only this machine (127.0.0.1 or [::1]); scrape it through an agent or a tunnel on this "
                + "machine, or set listen = \"\" to turn it off ([health] listen serves /livez and /readyz on any address)"
        }
    }
}
