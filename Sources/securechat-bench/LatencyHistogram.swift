import ChatClient
import Histogram

/// Latencies recorded in nanoseconds (up to 600 s, three significant digits) and reported
/// as p50, p99 and max in the unit a scenario reports them in.
struct LatencyHistogram: Sendable {
    private var histogram = Histogram<UInt64>(highestTrackableValue: 600_000_000_000, numberOfSignificantValueDigits: .three)

    mutating func record(_ nanoseconds: UInt64) {
        _ = self.histogram.record(nanoseconds)
    }

    mutating func add(_ other: LatencyHistogram) {
        self.histogram.add(other.histogram)
    }

    /// How many latencies were recorded.
    var count: Int { Int(self.histogram.totalCount) }

    /// Adds `PREFIX_p50`, `PREFIX_p99` and `PREFIX_max`, in nanoseconds divided by `scale`
    /// (1e3 for µs, 1e6 for ms).
    func report(into report: inout JSONLine, prefix: String, scale: Double) {
        report["\(prefix)_p50"] = Double(self.histogram.valueAtPercentile(50)) / scale
        report["\(prefix)_p99"] = Double(self.histogram.valueAtPercentile(99)) / scale
        report["\(prefix)_max"] = Double(self.histogram.max) / scale
    }
}
