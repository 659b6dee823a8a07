import ArgumentParser
import ChatClient
import Foundation
import NIOCore
import NIOPosix

/// `hold`: N registered connections, 100 per channel, held open; the server's memory per
/// connection.
struct HoldCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hold",
        abstract: "Open N registered connections (JOIN #hold-K, 100 per channel), hold them, report server RSS per connection."
    )

    @OptionGroup var options: BenchOptions
    @Option(name: .customShort("n"), help: "Connections to open.")
    var connections: Int = 1000
    @Option(help: "Seconds to hold them once all are open, before sampling the server.")
    var holdSeconds: Double = 3
    @Option(help: "Connections being opened at once.")
    var concurrency: Int = 256
    @Option(help: "How far each connection goes: tls (handshake only), registered, or joined.")
    var stage: Stage = .joined

    enum Stage: String, ExpressibleByArgument, CaseIterable {
        case tls, registered, joined
    }

    func run() async throws {
        guard self.connections > 0 else { throw ValidationError("-n must be positive") }
        let group = MultiThreadedEventLoopGroup(numberOfThreads: self.options.threads)
        let contexts = ClientContexts(options: self.options)
        var report = self.options.report(scenario: "hold")
        report["connections"] = self.connections
        report["stage"] = self.stage.rawValue
        Population.raiseFileLimit(for: self.connections, into: &report)

        let measurement = Measurement(serverPID: self.options.serverPID)
        let start = monotonicNanoseconds()
        let joins = self.stage == .joined
        let channel: @Sendable (Int) -> String? = { joins ? "#hold-\($0 / 100)" : nil }
        let opened = await Population.connect(
            count: self.connections, concurrency: self.concurrency, group: group, options: self.options,
            contexts: contexts, register: self.stage != .tls,
            channel: channel)
        let connectSeconds = Double(monotonicNanoseconds() - start) / 1e9
        let succeeded = opened.clients.count { $0 != nil }
        try? await Task.sleep(for: .seconds(self.holdSeconds))
        let still = await Self.countOpen(opened.clients)

        _ = measurement.finish(into: &report, perUnit: [("connection", succeeded, 1e6, "us")])
        report["succeeded"] = succeeded
        report["still_open_after_hold"] = still
        report["failed"] = opened.failures
        report["connect_all_seconds"] = connectSeconds
        report["connections_per_second"] = Double(succeeded) / max(connectSeconds, 1e-9)
        if let before = measurement.serverBefore, let pid = self.options.serverPID,
            let after = ServerSample.take(pid: pid), succeeded > 0
        {
            report["server_rss_kib_per_connection"] = Double(after.rssKiB - before.rssKiB) / Double(succeeded)
        }
        if let firstError = opened.firstError { report["first_error"] = firstError }
        print(report.text)
        await Population.closeAll(opened.clients)
        try? await group.shutdownGracefully()
    }

    private static func countOpen(_ clients: [BenchClient?]) async -> Int {
        clients.count { $0?.channel.isActive == true }
    }
}
