import ChatClient
import Foundation
import NIOCore
import NIOPosix

/// What fanout and privmsg share: connect the users, route each stream's messages,
/// run until every message arrived everywhere (or the timeout), report.
struct MessagingRun {
    let options: BenchOptions
    /// Users to connect; user `i` is nick `i`.
    let users: Int
    /// The channel each user joins, if any.
    let channel: @Sendable (Int) -> String?
    /// For each stream: the sending user, the target (channel or nick) and how many receive it.
    let streams: [(sender: Int, target: String, receivers: Int)]
    /// Messages per stream, the window, the total rate over all streams (nil: as fast as
    /// lossless allows) and the text size.
    let pacing: PacingOptions

    /// What a run did, for a scenario that reports more than the deliveries.
    struct Outcome {
        /// From the first send until every message arrived (or the timeout).
        var wallSeconds: Double
        /// Messages sent over all streams.
        var sent: Int
        var timedOut: Bool
    }

    /// Runs and fills `report` with its pacing parameters, delivery figures and CPU figures.
    /// Returns nil when not every user could connect (the report says why).
    @discardableResult
    func run(into report: inout JSONLine) async throws -> Outcome? {
        report["window"] = self.pacing.window
        report["rate"] = self.pacing.rate.map { "\($0)" } ?? "max"
        report["text_bytes"] = self.pacing.textBytes
        let group = MultiThreadedEventLoopGroup(numberOfThreads: self.options.threads)
        let contexts = ClientContexts(options: self.options)
        Population.raiseFileLimit(for: self.users, into: &report)

        let connectStart = monotonicNanoseconds()
        let population = await Population.connect(
            count: self.users, group: group, options: self.options, contexts: contexts, channel: self.channel)
        report["connect_all_seconds"] = Double(monotonicNanoseconds() - connectStart) / 1e9
        report["connected"] = population.clients.count { $0 != nil }
        guard population.failures == 0 else {
            report["error"] = "\(population.failures) of \(self.users) users could not connect: \(population.firstError ?? "")"
            await Population.closeAll(population.clients)
            try? await group.shutdownGracefully()
            return nil
        }
        let clients = population.clients.compactMap { $0 }

        let tracker = DeliveryTracker(
            receivers: self.streams.map(\.receivers), messagesPerStream: self.pacing.messages, window: self.pacing.window)
        for client in clients {
            try await client.run { connection, context in
                connection.receiver = DeliveryReceiver(tracker: tracker)
                return context.eventLoop.makeSucceededVoidFuture()
            }.get()
        }
        let perStreamRate = self.pacing.rate.map { $0 / Double(self.streams.count) }
        let senders = self.streams.enumerated().map { index, stream in
            let sender = StreamSender(
                channel: clients[stream.sender].channel, tracker: tracker, stream: index, target: stream.target,
                textBytes: self.pacing.textBytes, rate: perStreamRate)
            tracker.attach(sender, to: index)
            return sender
        }

        let measurement = Measurement(serverPID: self.options.serverPID)
        for sender in senders { sender.start() }
        let deadline = monotonicNanoseconds() + UInt64(self.options.timeout * 1e9)
        while !tracker.isComplete, monotonicNanoseconds() < deadline {
            try? await Task.sleep(for: .milliseconds(2))
        }
        let timedOut = !tracker.isComplete
        var figures = JSONLine()
        let (_, unique) = tracker.report(into: &figures)
        let wall = measurement.finish(into: &report, perUnit: [("delivery", unique, 1e9, "ns")])
        report.merge(figures)
        report["deliveries_per_second"] = Double(unique) / wall
        report["timed_out"] = timedOut
        await Population.closeAll(population.clients)
        try? await group.shutdownGracefully()
        return Outcome(wallSeconds: wall, sent: tracker.sentCount, timedOut: timedOut)
    }
}
