import Foundation
import Testing
import TestSupport

/// scripts/bench.sh's argument checks and scripts/bench/table.py's summary; the benchmark
/// itself runs servers for minutes and is not part of the tests.
@Suite("bench.sh and its table")
struct BenchScriptTests {
    @Test(arguments: ["--repeat", "--io-threads"], ["0", "x", ""])
    func countOptionsNeedAPositiveCount(_ option: String, _ count: String) throws {
        let script = packageRoot.appendingPathComponent("scripts/bench.sh").path
        let result = try runCommand("/bin/bash", [script, option, count], timeout: 30)
        #expect(result.status == 2)
        #expect(result.stderr.contains("\(option) needs a count of 1 or more, got '\(count)'"))
    }

    @Test func unknownScenarioIsNamedWithTheKnownOnes() throws {
        let script = packageRoot.appendingPathComponent("scripts/bench.sh").path
        let result = try runCommand("/bin/bash", [script, "--scenarios", "storm tempest"], timeout: 30)
        #expect(result.status == 2)
        #expect(result.stderr.contains("unknown scenario 'tempest' (one of: handshake hold fanout privmsg storm history chathistory)"))
    }

    @Test func noScenarioIsRefused() throws {
        let script = packageRoot.appendingPathComponent("scripts/bench.sh").path
        let result = try runCommand("/bin/bash", [script, "--scenarios", " "], timeout: 30)
        #expect(result.status == 2)
        #expect(result.stderr.contains("--scenarios needs at least one of"))
    }

    /// bench.sh prints its table with python3; a machine without it cannot run the table.
    static let hasPython = FileManager.default.isExecutableFile(atPath: "/usr/bin/python3")

    @Test(.enabled(if: hasPython, "the table needs /usr/bin/python3, as bench.sh does"))
    func repeatedRunsShowTheMedianAndTheWorstLoss() throws {
        let lines = [
            #"{"scenario":"fanout","server":"securechat","server_cpu_ns_per_delivery":300,"lost":0}"#,
            #"{"scenario":"fanout","server":"securechat","server_cpu_ns_per_delivery":200,"lost":0}"#,
            #"{"scenario":"fanout","server":"securechat","server_cpu_ns_per_delivery":250,"lost":1}"#,
            #"{"scenario":"fanout","server":"inspircd","server_cpu_ns_per_delivery":500,"lost":0}"#,
        ]
        let rows = try Self.table(lines)
        #expect(rows.contains(["fanout", "server", "CPU", "ns/delivery", "250", "500", "0.50"]))
        #expect(rows.contains(["fanout", "lost", "1", "0", "—"]))
        #expect(rows.contains(["fanout", "note:", "securechat:", "median", "of", "3", "runs"]))
    }

    @Test(.enabled(if: hasPython, "the table needs /usr/bin/python3, as bench.sh does"))
    func stormShowsTheMedianLatencyAndTheWorstAdmission() throws {
        let lines = [
            #"{"scenario":"storm","server":"securechat","storm_latency_us_p99":900,"admitted":3000,"admission_failed":0}"#,
            #"{"scenario":"storm","server":"securechat","storm_latency_us_p99":500,"admitted":2990,"admission_failed":10}"#,
            #"{"scenario":"storm","server":"securechat","storm_latency_us_p99":700,"admitted":3000,"admission_failed":0}"#,
            #"{"scenario":"storm","server":"inspircd","storm_latency_us_p99":1400,"admitted":3000,"admission_failed":0}"#,
        ]
        let rows = try Self.table(lines)
        #expect(rows.contains(["storm", "chat", "latency", "storm", "p99", "µs", "700", "1,400", "0.50"]))
        #expect(rows.contains(["storm", "admitted", "2,990", "3,000", "1.00"]))
        #expect(rows.contains(["storm", "admissions", "failed", "10", "0", "—"]))
    }

    @Test(.enabled(if: hasPython, "the table needs /usr/bin/python3, as bench.sh does"))
    func eachIOThreadsSettingIsAColumnComparedWithEachPeer() throws {
        let lines = [
            #"{"scenario":"fanout","server":"securechat","server_io_threads":1,"server_cpu_ns_per_delivery":300,"load_average_1m":0.5}"#,
            #"{"scenario":"fanout","server":"securechat","server_io_threads":2,"server_cpu_ns_per_delivery":400,"load_average_1m":0.7}"#,
            #"{"scenario":"fanout","server":"inspircd","server_cpu_ns_per_delivery":500,"generator_cpus":"1"}"#,
        ]
        let rows = try Self.table(lines)
        #expect(rows.first == ["scenario", "figure", "securechat", "io1", "securechat", "io2", "inspircd",
                               "securechat", "io1/inspircd", "securechat", "io2/inspircd"])
        #expect(rows.contains(["fanout", "server", "CPU", "ns/delivery", "300", "400", "500", "0.60", "0.80"]))
        #expect(rows.contains(["fanout", "note:", "inspircd:", "generator", "on", "CPUs", "1"]))
        #expect(rows.contains(["fanout", "note:", "securechat", "io2:", "load", "average", "(1", "min)", "0.70–0.70"]))
    }

    @Test(.enabled(if: hasPython, "the table needs /usr/bin/python3, as bench.sh does"))
    func historyOffIsABaselineColumnForSecureChat() throws {
        let lines = [
            #"{"scenario":"fanout","server":"securechat","server_history":"on","server_cpu_ns_per_delivery":220}"#,
            #"{"scenario":"fanout","server":"securechat","server_history":"off","server_cpu_ns_per_delivery":200}"#,
            #"{"scenario":"fanout","server":"inspircd","server_cpu_ns_per_delivery":500}"#,
            #"{"scenario":"history","server":"securechat","server_history":"on","stored_per_second":20000,"stored_lost":0}"#,
        ]
        let rows = try Self.table(lines)
        #expect(rows.first == ["scenario", "figure", "securechat", "securechat", "history-off", "inspircd",
                               "securechat/securechat", "history-off", "securechat/inspircd"])
        #expect(rows.contains(["fanout", "server", "CPU", "ns/delivery", "220", "200", "500", "1.10", "0.44"]))
        #expect(rows.contains(["history", "stored", "messages/s", "20,000", "—", "—", "—", "—"]))
        #expect(rows.contains(["history", "sent", "but", "not", "stored", "0", "—", "—", "—", "—"]))
    }

    @Test(.enabled(if: hasPython, "sqlite_floor.py needs /usr/bin/python3"))
    func sqliteFloorPrintsTheCostPerRowOfEachBatchSize() throws {
        let script = packageRoot.appendingPathComponent("scripts/bench/sqlite_floor.py").path
        let result = try runCommand("/usr/bin/python3", [script, "--rows", "300", "--per-commit", "7", "300"], timeout: 60)
        try #require(result.status == 0, "\(result.stderr)")
        let lines = result.stdout.split(separator: "\n")
        #expect(lines.count == 3)
        #expect(lines.first?.hasSuffix("300 channel messages per run") == true)
        #expect(lines.dropFirst().map { $0.split(separator: " ").prefix(4).joined(separator: " ") } == [
            "7 rows a commit,", "300 rows a commit,",
        ])
        #expect(lines.dropFirst().allSatisfy { $0.contains("µs CPU per row (user ") })
    }

    @Test(.enabled(if: hasPython, "sqlite_floor.py needs /usr/bin/python3"))
    func sqliteFloorRefusesABatchOfNoRows() throws {
        let script = packageRoot.appendingPathComponent("scripts/bench/sqlite_floor.py").path
        let result = try runCommand("/usr/bin/python3", [script, "--per-commit", "0"], timeout: 30)
        #expect(result.status == 2)
        #expect(result.stderr.contains("--rows and --per-commit take positive numbers"))
    }

    /// Runs table.py on `lines`; returns its rows split into words.
    private static func table(_ lines: [String]) throws -> [[Substring]] {
        let directory = try makeTemporaryDirectory(prefix: "bench-table")
        defer { removeTemporaryDirectory(directory) }
        let results = directory.appendingPathComponent("results.jsonl")
        try (lines.joined(separator: "\n") + "\n").write(to: results, atomically: true, encoding: .utf8)
        let table = packageRoot.appendingPathComponent("scripts/bench/table.py").path
        let result = try runCommand("/usr/bin/python3", [table, results.path], timeout: 30)
        try #require(result.status == 0, "\(result.stderr)")
        return result.stdout.split(separator: "\n").map { $0.split(separator: " ", omittingEmptySubsequences: true) }
    }
}

/// securechat-bench storm's arguments: what it refuses before connecting anywhere, and its help.
@Suite("securechat-bench storm arguments")
struct StormArgumentTests {
    static let bench = builtExecutable("securechat-bench")
    /// Enough for the options every scenario requires; nothing is ever connected to.
    static let required = ["--cert", "/nonexistent/clients", "--key", "/nonexistent/client.key", "--port", "1"]

    @Test(arguments: [
        ["-m", "1"], ["-m", "70000"], ["-n", "0"], ["--rate", "0"], ["--quiet-seconds", "0"],
        ["--after-seconds=-1"], ["--concurrency", "0"], ["--window", "0"],
    ])
    func outOfRangeSizesAreRefusedBeforeConnecting(_ arguments: [String]) throws {
        let result = try runCommand(Self.bench, ["storm"] + arguments + Self.required, timeout: 30)
        #expect(result.status == 64)
        #expect(result.stderr.contains("need 2 ≤ -m ≤ 65535, -n ≥ 1, --rate > 0"))
        #expect(result.stdout.isEmpty)
    }

    @Test func helpNamesThePhasesAndEveryOption() throws {
        let result = try runCommand(Self.bench, ["help", "storm"], timeout: 30)
        #expect(result.status == 0)
        for text in ["-m <m>", "-n <n>", "--rate", "--quiet-seconds", "--after-seconds", "--concurrency", "--window",
                     "quiet_latency_us_p50", "admit_all_seconds"] {
            #expect(result.stdout.contains(text), "\(text)")
        }
    }

    @Test func theScenarioIsListed() throws {
        let result = try runCommand(Self.bench, ["--help"], timeout: 30)
        #expect(result.status == 0)
        #expect(result.stdout.contains("storm"))
    }
}

/// securechat-bench's history scenarios against an in-process server: they run and report
/// their fields. Sizes are tiny and nothing about timing is asserted.
@Suite("securechat-bench history scenarios")
struct HistoryScenarioTests {
    static let bench = builtExecutable("securechat-bench")

    /// The options that reach `server` as user u0, with u0's test certificate and key,
    /// pinning the server's certificate.
    static func connection(_ server: TestServer) throws -> [String] {
        let identity = try server.pki.client("u0")
        return [
            "--port", "\(server.port)", "--cert", identity.certificatePath.path(percentEncoded: false),
            "--key", identity.keyPath.path(percentEncoded: false), "--tls-verify", "pin",
            "--server-cert", server.pki.server.certificatePath.path(percentEncoded: false), "--timeout", "20",
            "--threads", "1",
        ]
    }

    /// Runs the bench with `arguments`; returns its one JSON line as a dictionary.
    static func report(_ arguments: [String]) async throws -> [String: Any] {
        let child = try ChildProcess(Self.bench, arguments)
        let result = try await child.waitForExit(timeout: .seconds(60))
        try #require(result.status == 0, "\(result.stderr)")
        let object = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8))
        return try #require(object as? [String: Any], "\(result.stdout)")
    }

    @Test func historyCountsEveryEchoedMessageInTheDatabase() async throws {
        try await withTestServer(allow: ["u0"]) { server in
            let database = server.pki.directory.appending(path: "data/history.sqlite").path(percentEncoded: false)
            let report = try await Self.report(
                ["history", "-s", "1", "-k", "20", "--rate", "200", "--database", database] + Self.connection(server))
            #expect(report["scenario"] as? String == "history")
            #expect(report["error"] == nil)
            #expect(report["messages_sent"] as? Int == 20)
            #expect(report["lost"] as? Int == 0)
            #expect(report["stored_messages"] as? Int == 20)
            #expect(report["stored_lost"] as? Int == 0)
            for key in ["latency_us_p50", "latency_us_p99", "latency_us_max", "stored_per_second"] {
                #expect(report[key] is Double, "\(key)")
            }
        }
    }

    @Test func chathistoryAnswersFromASeededDatabase() async throws {
        let pki = try TestPKI()
        let data = pki.directory.appending(path: "data").path(percentEncoded: false)
        let seeded = try await Self.report(["seed-history", "--data-dir", data, "-n", "300", "--channels", "2"])
        #expect(seeded["messages"] as? Int == 300)
        try await withTestServer(allow: ["u0"], pki: pki) { server in
            let report = try await Self.report(
                ["chathistory", "-q", "5", "--channel", "#seed-0"] + Self.connection(server))
            #expect(report["scenario"] as? String == "chathistory")
            #expect(report["error"] == nil)
            #expect(report["queries"] as? Int == 5)
            #expect(report["messages_min"] as? Int == 100)
            #expect(report["latency_ms_p99"] is Double)
        }
    }
}
