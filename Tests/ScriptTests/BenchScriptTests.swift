import Foundation
import Testing
import TestSupport

/// scripts/bench.sh's argument checks and scripts/bench/table.py's summary; the benchmark
/// itself runs servers for minutes and is not part of the tests.
@Suite("bench.sh and its table")
struct BenchScriptTests {
    @Test(arguments: ["0", "x", ""])
    func repeatNeedsAPositiveCount(_ count: String) throws {
        let script = packageRoot.appendingPathComponent("scripts/bench.sh").path
        let result = try runCommand("/bin/bash", [script, "--repeat", count], timeout: 30)
        #expect(result.status == 2)
        #expect(result.stderr.contains("--repeat needs a count of 1 or more, got '\(count)'"))
    }

    /// bench.sh prints its table with python3; a machine without it cannot run the table.
    static let hasPython = FileManager.default.isExecutableFile(atPath: "/usr/bin/python3")

    @Test(.enabled(if: hasPython, "the table needs /usr/bin/python3, as bench.sh does"))
    func repeatedRunsShowTheMedianAndTheWorstLoss() throws {
        let directory = try makeTemporaryDirectory(prefix: "bench-table")
        defer { removeTemporaryDirectory(directory) }
        let results = directory.appendingPathComponent("results.jsonl")
        let lines = [
            #"{"scenario":"fanout","server":"securechat","server_cpu_ns_per_delivery":300,"lost":0}"#,
            #"{"scenario":"fanout","server":"securechat","server_cpu_ns_per_delivery":200,"lost":0}"#,
            #"{"scenario":"fanout","server":"securechat","server_cpu_ns_per_delivery":250,"lost":1}"#,
            #"{"scenario":"fanout","server":"inspircd","server_cpu_ns_per_delivery":500,"lost":0}"#,
        ]
        try (lines.joined(separator: "\n") + "\n").write(to: results, atomically: true, encoding: .utf8)
        let table = packageRoot.appendingPathComponent("scripts/bench/table.py").path
        let result = try runCommand("/usr/bin/python3", [table, results.path], timeout: 30)
        try #require(result.status == 0, "\(result.stderr)")
        let rows = result.stdout.split(separator: "\n").map { $0.split(separator: " ", omittingEmptySubsequences: true) }
        #expect(rows.contains(["fanout", "server", "CPU", "ns/delivery", "250", "500", "0.50"]))
        #expect(rows.contains(["fanout", "lost", "1", "0", "—"]))
        #expect(result.stdout.contains("securechat: median of 3 runs"))
    }
}
