#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The standard `process_*` series, read from `/proc/self` at scrape time (swift-prometheus
/// has no process collector on Linux). Where `/proc` is missing (macOS) nothing is published.
public struct ProcessMetrics: Sendable, Equatable {
    public var cpuSeconds: Double
    public var residentBytes: Double
    public var virtualBytes: Double
    public var startTimeSeconds: Double
    public var openFileDescriptors: Int
    public var maxFileDescriptors: Int

    /// Reads the current process's figures; nil when `/proc/self/stat` cannot be read.
    public static func read() -> ProcessMetrics? {
        guard let stat = Self.contents(of: "/proc/self/stat"), let parsed = Self.parse(stat: stat, bootTime: Self.bootTime())
        else { return nil }
        var metrics = parsed
        metrics.openFileDescriptors = Self.countEntries(in: "/proc/self/fd")
        var limit = rlimit()
        if getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 {
            metrics.maxFileDescriptors = Int(clamping: limit.rlim_cur)
        }
        return metrics
    }

    /// Parses `/proc/self/stat`: the fields after the command name (which is in
    /// parentheses and may hold spaces), by their place in proc(5).
    static func parse(stat: String, bootTime: Double) -> ProcessMetrics? {
        guard let close = stat.lastIndex(of: ")") else { return nil }
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        // fields[0] is proc(5)'s field 3 (state): utime is field 14, stime 15,
        // starttime 22, vsize 23, rss 24.
        guard fields.count > 21, let user = Double(fields[11]), let system = Double(fields[12]),
            let start = Double(fields[19]), let virtual = Double(fields[20]), let resident = Double(fields[21])
        else { return nil }
        let ticks = Double(max(1, sysconf(Int32(_SC_CLK_TCK))))
        let page = Double(max(1, sysconf(Int32(_SC_PAGESIZE))))
        return ProcessMetrics(
            cpuSeconds: (user + system) / ticks,
            residentBytes: resident * page,
            virtualBytes: virtual,
            startTimeSeconds: bootTime + start / ticks,
            openFileDescriptors: 0,
            maxFileDescriptors: 0
        )
    }

    /// Publishes the series into `registry`.
    public func publish(into registry: MetricsRegistry) {
        registry.counter("process_cpu_seconds_total", help: "Total user and system CPU time spent in seconds.", value: self.cpuSeconds)
        registry.gauge("process_resident_memory_bytes", help: "Resident memory size in bytes.", value: self.residentBytes)
        registry.gauge("process_virtual_memory_bytes", help: "Virtual memory size in bytes.", value: self.virtualBytes)
        registry.gauge(
            "process_start_time_seconds", help: "Start time of the process since unix epoch in seconds.",
            value: self.startTimeSeconds)
        registry.gauge("process_open_fds", help: "Number of open file descriptors.", value: Double(self.openFileDescriptors))
        registry.gauge("process_max_fds", help: "Maximum number of open file descriptors.", value: Double(self.maxFileDescriptors))
    }

    /// The `btime` line of `/proc/stat`: when the machine booted, in seconds since 1970.
    private static func bootTime() -> Double {
        guard let stat = Self.contents(of: "/proc/stat") else { return 0 }
        for line in stat.split(separator: "\n") where line.hasPrefix("btime ") {
            return Double(line.dropFirst(6).trimmingPrefix(" ")) ?? 0
        }
        return 0
    }

    private static func contents(of path: String) -> String? {
        guard let file = fopen(path, "r") else { return nil }
        defer { fclose(file) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = fread(&chunk, 1, chunk.count, file)
            if count <= 0 { break }
            bytes += chunk[..<count]
            if bytes.count > 1 << 20 { break }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    private static func countEntries(in path: String) -> Int {
        guard let directory = opendir(path) else { return 0 }
        defer { closedir(directory) }
        var count = 0
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { $0.prefix { $0 != 0 } }
            if !name.elementsEqual(".".utf8), !name.elementsEqual("..".utf8) { count += 1 }
        }
        // The directory stream itself is one of them.
        return max(0, count - 1)
    }
}
