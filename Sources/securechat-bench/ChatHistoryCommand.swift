import ArgumentParser
import ChatClient
import Foundation
import NIOCore
import NIOPosix

/// `chathistory`: how fast the server answers CHATHISTORY LATEST, one request at a time.
struct ChatHistoryCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "chathistory",
        abstract: "One user asks CHATHISTORY LATEST <channel> * 100 Q times in a row; latency per answer.",
        discussion: """
            The user requests draft/chathistory, batch, message-tags and server-time, joins \
            --channel and sends each request once the previous answer's batch ended. Latency is \
            from the request's write to the end of its batch (BATCH -…), over TLS, as a client \
            sees it. Fill the server's database first (`seed-history`, before it starts) so that \
            the channel has at least 100 messages (the most one request may ask for): \
            messages_min shows the smallest answer.

            Example:
              securechat-bench seed-history --data-dir run/data -n 1000000 --channels 10
              securechat-bench chathistory -q 200 --channel '#seed-0' \\
                  --port 6697 --ca pki/ca.pem --cert pki/clients --key pki/client.key --server-pid 1234
            """
    )

    @OptionGroup var options: BenchOptions
    @Option(name: .customShort("q"), help: "Requests, one after the other.")
    var queries: Int = 200
    @Option(help: "The channel asked about (joined first).")
    var channel: String = "#seed-0"
    /// Messages asked for per request: the most the server's CHATHISTORY gives.
    static let limit = 100

    func validate() throws {
        guard self.queries > 0 else { throw ValidationError("need -q ≥ 1") }
    }

    func run() async throws {
        var options = self.options
        for capability in ["draft/chathistory", "batch", "message-tags", "server-time"]
        where !options.capabilities.contains(capability) {
            options.capabilities.append(capability)
        }
        var report = options.report(scenario: "chathistory")
        report["queries"] = self.queries
        report["limit"] = Self.limit
        report["channel"] = self.channel
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let contexts = ClientContexts(options: options)
        do {
            let client = try await BenchClient.connect(
                group: group, options: options, context: try contexts.context(for: options.nick(0)), nick: options.nick(0))
            defer { client.close() }
            try await client.join(self.channel)
            try await self.measure(client, options: options, into: &report)
        } catch {
            report["error"] = "\(error)"
        }
        print(report.text)
        try? await group.shutdownGracefully()
    }

    /// Sends the requests one after the other and reports their latency and server CPU.
    private func measure(_ client: BenchClient, options: BenchOptions, into report: inout JSONLine) async throws {
        let request = "CHATHISTORY LATEST \(self.channel) * \(Self.limit)"
        var latency = LatencyHistogram()
        var fewest = Int.max
        let measurement = Measurement(serverPID: options.serverPID)
        for _ in 0..<self.queries {
            let start = monotonicNanoseconds()
            let messages = try await client.query(request).get()
            latency.record(monotonicNanoseconds() - start)
            fewest = min(fewest, messages)
        }
        let wall = measurement.finish(into: &report, perUnit: [("query", self.queries, 1e6, "us")])
        report["queries_per_second"] = Double(self.queries) / wall
        report["messages_min"] = fewest
        latency.report(into: &report, prefix: "latency_ms", scale: 1e6)
    }
}
