import ChatClient
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// CPU time and resident memory of the server under test, read from `/proc/PID`.
struct ServerSample {
    /// utime + stime, in seconds.
    var cpuSeconds: Double
    /// VmRSS, in KiB.
    var rssKiB: Int

    /// Reads `/proc/PID/stat` and `/proc/PID/status`; nil when the process is gone or
    /// `/proc` is not there (not Linux).
    static func take(pid: Int32) -> ServerSample? {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)
        else { return nil }
        // The command name (field 2) is in parentheses and may hold spaces: count from
        // the last ')'. utime and stime are fields 14 and 15.
        guard let close = stat.lastIndex(of: ")") else { return nil }
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        // fields[0] is field 3 (state), so field N is fields[N - 3].
        guard fields.count > 12, let user = Double(fields[11]), let system = Double(fields[12]) else { return nil }
        let ticks = Double(sysconf(Int32(_SC_CLK_TCK)))
        let rssLine = status.split(separator: "\n").first { $0.hasPrefix("VmRSS:") }
        let rss = rssLine.flatMap { Int($0.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "") } ?? 0
        return ServerSample(cpuSeconds: (user + system) / ticks, rssKiB: rss)
    }
}

/// What the machine is doing around a run, read from `/proc` (nil where it is not there).
enum HostSample {
    /// The load average over the last minute, at the moment of the call.
    static func loadAverage() -> Double? {
        guard let text = try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8) else { return nil }
        return text.split(separator: " ").first.flatMap { Double($0) }
    }

    /// The CPUs this process may run on, as Linux lists them (`0-1`, `1`): what `taskset`
    /// left it.
    static func allowedCPUs() -> String? {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return nil }
        let line = status.split(separator: "\n").first { $0.hasPrefix("Cpus_allowed_list:") }
        return line.map { $0.dropFirst("Cpus_allowed_list:".count).trimmingCharacters(in: .whitespaces) }
    }
}

/// This process's own CPU time (user + system, all threads), in seconds.
func generatorCPUSeconds() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    func seconds(_ time: timeval) -> Double { Double(time.tv_sec) + Double(time.tv_usec) / 1e6 }
    return seconds(usage.ru_utime) + seconds(usage.ru_stime)
}

/// Monotonic nanoseconds, comparable within this process (message send times).
@inline(__always)
func monotonicNanoseconds() -> UInt64 {
    var time = timespec()
    clock_gettime(CLOCK_MONOTONIC, &time)
    return UInt64(time.tv_sec) * 1_000_000_000 + UInt64(time.tv_nsec)
}

/// Measures a scenario's window: wall time, the generator's CPU, and the server's CPU and
/// RSS when its PID is known; adds them to the scenario's JSON line.
struct Measurement {
    let serverPID: Int32?
    private let startWall = monotonicNanoseconds()
    private let startCPU = generatorCPUSeconds()
    let serverBefore: ServerSample?

    init(serverPID: Int32?) {
        self.serverPID = serverPID
        self.serverBefore = serverPID.flatMap(ServerSample.take)
    }

    /// Ends the window. `units` names what the per-unit server figures divide by
    /// (handshakes, deliveries, connections) and how many there were.
    func finish(into report: inout JSONLine, perUnit: [(name: String, count: Int, scale: Double, unit: String)]) -> Double {
        let wall = Double(monotonicNanoseconds() - self.startWall) / 1e9
        let generatorCPU = generatorCPUSeconds() - self.startCPU
        report["wall_seconds"] = wall
        report["generator_cpu_seconds"] = generatorCPU
        report["generator_cpu_percent"] = 100 * generatorCPU / max(wall, 1e-9)
        report["generator_saturated"] = generatorCPU / max(wall, 1e-9) > 0.9
        if let pid = self.serverPID {
            report["server_pid"] = Int(pid)
            if let before = self.serverBefore, let after = ServerSample.take(pid: pid) {
                let cpu = after.cpuSeconds - before.cpuSeconds
                report["server_cpu_seconds"] = cpu
                report["server_cpu_percent"] = 100 * cpu / max(wall, 1e-9)
                report["server_rss_kib_before"] = before.rssKiB
                report["server_rss_kib_after"] = after.rssKiB
                for (name, count, scale, unit) in perUnit where count > 0 {
                    report["server_cpu_\(unit)_per_\(name)"] = cpu * scale / Double(count)
                }
            } else {
                report["server_sample_error"] = "cannot read /proc/\(pid); is the server running on this machine?"
            }
        }
        return wall
    }
}
