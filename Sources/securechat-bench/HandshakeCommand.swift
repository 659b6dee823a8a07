import ArgumentParser
import ChatClient
import Foundation
import NIOCore
import NIOPosix

/// `handshake`: full mutual-TLS handshakes per second at a fixed concurrency.
///
/// Each of `-c` workers connects, completes the handshake presenting a client certificate,
/// sends `PING :bench` and waits for the answer, then closes and starts over, until `-t`
/// seconds have passed. A handshake counts only once the server answered: under TLS 1.3
/// the client finishes before the server has checked the client's certificate. No session
/// is ever resumed (each connection is a new `SSL` without a saved session).
struct HandshakeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "handshake",
        abstract: "Full mutual-TLS handshakes per second, each confirmed by a PING/PONG."
    )

    @OptionGroup var options: BenchOptions
    @Option(name: .customShort("c"), help: "Connections in flight at once.")
    var concurrency: Int = 16
    @Option(name: .customShort("t"), help: "Seconds to run.")
    var seconds: Double = 5

    func run() async throws {
        guard self.concurrency > 0, self.seconds > 0 else { throw ValidationError("-c and -t must be positive") }
        let group = MultiThreadedEventLoopGroup(numberOfThreads: self.options.threads)
        let contexts = ClientContexts(options: self.options)
        let context = try contexts.context(for: self.options.nick(0))
        let options = self.options
        let deadline = monotonicNanoseconds() + UInt64(self.seconds * 1e9)

        let measurement = Measurement(serverPID: options.serverPID)
        let outcomes = await concurrently(count: self.concurrency, concurrency: self.concurrency) { _ in
            var latency = LatencyHistogram()
            var completed = 0
            var failed = 0
            var firstError: String?
            while monotonicNanoseconds() < deadline {
                let start = monotonicNanoseconds()
                do {
                    let client = try await BenchClient.connect(group: group, options: options, context: context, nick: nil)
                    try await client.ping().get()
                    latency.record(monotonicNanoseconds() - start)
                    completed += 1
                    client.close()
                } catch {
                    failed += 1
                    if firstError == nil { firstError = "\(error)" }
                    // Back off a little so a refusing server is not hammered in a tight loop.
                    try? await Task.sleep(for: .milliseconds(10))
                }
            }
            return Outcome(latency: latency, completed: completed, failed: failed, firstError: firstError)
        }

        var report = options.report(scenario: "handshake")
        report["concurrency"] = self.concurrency
        report["seconds"] = self.seconds
        var latency = LatencyHistogram()
        var completed = 0
        var failed = 0
        var firstError: String?
        for case let outcome? in outcomes.results {
            latency.add(outcome.latency)
            completed += outcome.completed
            failed += outcome.failed
            firstError = firstError ?? outcome.firstError
        }
        let wall = measurement.finish(into: &report, perUnit: [("handshake", completed, 1e6, "us")])
        report["handshakes"] = completed
        report["failed"] = failed
        report["handshakes_per_second"] = Double(completed) / wall
        latency.report(into: &report, prefix: "latency_us", scale: 1e3)
        if let firstError { report["first_error"] = firstError }
        print(report.text)
        try? await group.shutdownGracefully()
    }

    struct Outcome: Sendable {
        var latency: LatencyHistogram
        var completed: Int
        var failed: Int
        var firstError: String?
    }
}
