import CoreMetrics
import NIOConcurrencyHelpers
import Prometheus

/// The server's metric series, written in the Prometheus text format by swift-prometheus.
///
/// Counters and gauges are published from snapshots taken at scrape time (``counter(_:help:labels:)``,
/// ``gauge(_:help:labels:)``): the server keeps plain integers where the work happens and
/// nothing here runs per message. Histograms are observed as events happen, at most once
/// per handshake, loop tick or history batch, through swift-metrics ``CoreMetrics/Timer``s
/// made by a factory of this registry's own (never the process-wide `MetricsSystem`, so
/// several servers in one process keep apart).
///
/// Thread-safe. Scrapes are serialized by ``scrape(_:)``.
public final class MetricsRegistry: Sendable {
    private let registry: PrometheusCollectorRegistry
    private let factory: PrometheusMetricsFactory
    private let counters = NIOLockedValueBox<[SeriesKey: Prometheus.Counter]>([:])
    private let gauges = NIOLockedValueBox<[SeriesKey: Prometheus.Gauge]>([:])
    private let scrapeLock = NIOLock()

    private struct SeriesKey: Hashable {
        let name: String
        let labels: [String]
    }

    public init() {
        let registry = PrometheusCollectorRegistry()
        self.registry = registry
        self.factory = PrometheusMetricsFactory(registry: registry)
    }

    /// A histogram of durations in seconds named `name` (`…_seconds`), with `buckets`.
    ///
    /// - Precondition: each name is made once.
    public func timer(_ name: String, help: String, buckets: [Duration], labels: [(String, String)] = []) -> CoreMetrics.Timer {
        let histogram = self.registry.makeDurationHistogram(
            descriptor: Self.descriptor(name, help), labels: labels, buckets: buckets)
        return CoreMetrics.Timer(label: name, dimensions: labels, handler: histogram, factory: self.factory)
    }

    /// Sets the counter series `name{labels}` to `value`, which must never go down while
    /// the process lives (a snapshot of a monotonic count).
    public func counter(_ name: String, help: String, labels: [(String, String)] = [], value: Int) {
        self.counter(name, help: help, labels: labels, value: Double(value))
    }

    /// Sets the counter series `name{labels}` to `value` (seconds of CPU, say).
    public func counter(_ name: String, help: String, labels: [(String, String)] = [], value: Double) {
        let counter = Self.series(name, labels, in: self.counters) {
            self.registry.makeCounter(descriptor: Self.descriptor(name, help), labels: labels)
        }
        counter.reset()
        counter.increment(by: value)
    }

    /// Sets the gauge series `name{labels}` to `value`.
    public func gauge(_ name: String, help: String, labels: [(String, String)] = [], value: Double) {
        let gauge = Self.series(name, labels, in: self.gauges) {
            self.registry.makeGauge(descriptor: Self.descriptor(name, help), labels: labels)
        }
        gauge.set(value)
    }

    /// The series `name{labels}` from `cache`, made by `make` the first time.
    private static func series<Series>(
        _ name: String, _ labels: [(String, String)], in cache: NIOLockedValueBox<[SeriesKey: Series]>,
        make: () -> Series
    ) -> Series {
        let key = SeriesKey(name: name, labels: labels.flatMap { [$0.0, $0.1] })
        return cache.withLockedValue { series in
            if let existing = series[key] { return existing }
            let made = make()
            series[key] = made
            return made
        }
    }

    /// The whole name goes in `metricName`: our names already end in their unit.
    private static func descriptor(_ name: String, _ help: String) -> MetricNameDescriptor {
        MetricNameDescriptor(metricName: name, unitName: "", helpText: help)
    }

    /// Runs `publish` (which sets this scrape's counters and gauges) and returns every
    /// series in the Prometheus text format; one scrape at a time.
    public func scrape(_ publish: () -> Void) -> [UInt8] {
        self.scrapeLock.withLock {
            publish()
            return self.registry.emitToBuffer()
        }
    }
}
