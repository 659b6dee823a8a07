import ArgumentParser
import ChatClient
import Foundation
import NIOCore
import NIOPosix
import TLS

/// `storm`: a channel chatting at a steady rate while thousands of other users connect at
/// once; how the chat's latency and losses change, and how long admitting them all takes.
struct StormCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "storm",
        abstract: "M members chat in one channel at a fixed rate while N other users handshake and register at once.",
        discussion: """
            Phases: the M members connect and join; they chat for --quiet-seconds (quiet); \
            then N more users (the nicks after the members'; `certs --users` needs M + N) connect, \
            handshake and register, \
            --concurrency at a time, while the chat goes on (storm, until the last one has \
            its 001 or failed); the chat goes on for --after-seconds (after), then stops and \
            the generator waits for every message sent to arrive.

            Each member sends --rate / M messages per second on its own schedule, however the \
            server is doing (up to --window messages ahead of its slowest receiver), so a \
            stall shows in the latency rather than in fewer messages. A message's latency is \
            put in the phase during which it was sent: quiet_latency_us_p50, storm_…, after_…. \
            The chat runs on an event loop of its own in the generator, apart from the storm's \
            handshakes; chat_send_lag_ms_max shows how late the generator itself was.

            Figures: admit_all_seconds, admission latency per user (connect to 001), server \
            CPU per admission over the storm, and lost, duplicated and reordered messages.
            """
    )

    @OptionGroup var options: BenchOptions
    @Option(name: .customShort("m"), help: "Channel members who chat.")
    var members: Int = 50
    @Option(name: .customShort("n"), help: "Users who connect during the storm.")
    var clients: Int = 3000
    @Option(help: "Chat messages per second over all members.")
    var rate: Double = 500
    @Option(help: "Seconds of chat before the storm.")
    var quietSeconds: Double = 5
    @Option(help: "Seconds of chat after the last user is admitted.")
    var afterSeconds: Double = 3
    @Option(help: "Users of the storm connecting at once.")
    var concurrency: Int = 256
    @Option(help: "Messages a member may be ahead of its slowest receiver before it waits.")
    var window: Int = 1000
    @Option(help: "Bytes of text per chat message.")
    var textBytes: Int = 100
    @Option(help: "The channel.")
    var channel: String = "#storm"
    @Option(
        help: ArgumentHelp(
            "Nice value of the generator's storm threads (0: the same priority as the chat).",
            discussion: """
                The users of a real storm connect from other machines: their client handshakes \
                cost the server's machine nothing. Here the generator does them on the same \
                cores, so by default its storm threads run at nice 19 and take what CPU the \
                server and the chat leave. The server is not touched.
                """))
    var stormNice: Int32 = 19
    @Option(
        help: ArgumentHelp(
            "Port the storm's users connect to instead of --port (a second server).",
            discussion: """
                With a second server there, the server under test carries only the chat while \
                the machine does everything else the storm costs: the chat's latency then is \
                what this machine allows, the floor under the storm figures.
                """))
    var stormPort: Int?

    func validate() throws {
        guard (2...Int(UInt16.max)).contains(self.members), self.clients > 0, self.rate > 0, self.quietSeconds > 0,
            self.afterSeconds >= 0, self.concurrency > 0, self.window > 0, (-20...19).contains(self.stormNice),
            (1...65535).contains(self.stormPort ?? 1)
        else {
            throw ValidationError(
                "need 2 ≤ -m ≤ 65535, -n ≥ 1, --rate > 0, --quiet-seconds > 0, --after-seconds ≥ 0, --concurrency ≥ 1, --window ≥ 1, -20 ≤ --storm-nice ≤ 19 and 1 ≤ --storm-port ≤ 65535"
            )
        }
    }

    func run() async throws {
        var report = self.options.report(scenario: "storm")
        report["members"] = self.members
        report["clients"] = self.clients
        report["rate"] = self.rate
        report["rate_per_member"] = self.rate / Double(self.members)
        report["quiet_seconds"] = self.quietSeconds
        report["after_seconds"] = self.afterSeconds
        report["concurrency"] = self.concurrency
        report["window"] = self.window
        report["text_bytes"] = self.textBytes
        report["storm_nice"] = Int(self.stormNice)
        if let stormPort = self.stormPort { report["storm_port"] = stormPort }
        Population.raiseFileLimit(for: self.members + self.clients, into: &report)
        // The chat has a loop of its own: the storm's handshakes must not delay its timers.
        let chatGroup = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let stormGroup = MultiThreadedEventLoopGroup(numberOfThreads: self.options.threads)
        await Self.lowerPriority(of: stormGroup, to: self.stormNice)
        let contexts = ClientContexts(options: self.options)
        var open: [BenchClient?] = []
        do {
            if let chat = try await self.connectMembers(group: chatGroup, contexts: contexts, into: &report) {
                open = chat.members
                open += try await self.runPhases(chat: chat, group: stormGroup, contexts: contexts, into: &report)
            }
        } catch {
            report["error"] = "\(error)"
        }
        print(report.text)
        await Population.closeAll(open)
        try? await chatGroup.shutdownGracefully()
        try? await stormGroup.shutdownGracefully()
    }

    /// The members, joined, with a receiver each and a sender each on the chat loop.
    private struct Chat {
        let members: [BenchClient?]
        let tracker: DeliveryTracker
        let senders: [StreamSender]
    }

    /// Connects and joins the members and sets up their chat; nil (with `error` in the
    /// report) when any of them could not join.
    private func connectMembers(
        group: MultiThreadedEventLoopGroup, contexts: ClientContexts, into report: inout JSONLine
    ) async throws -> Chat? {
        let start = monotonicNanoseconds()
        let channel = self.channel
        let population = await Population.connect(
            count: self.members, group: group, options: self.options, contexts: contexts, channel: { _ in channel })
        report["connect_members_seconds"] = Double(monotonicNanoseconds() - start) / 1e9
        guard population.failures == 0 else {
            report["error"] = "\(population.failures) of \(self.members) members could not join: \(population.firstError ?? "")"
            await Population.closeAll(population.clients)
            return nil
        }
        let members = population.clients.compactMap { $0 }
        let perMember = self.rate / Double(self.members)
        // Room for every message the longest run could send: quiet, a storm of at most
        // three timeouts (the last start, then its handshake and its registration), after.
        let seconds = self.quietSeconds + 3 * self.options.timeout + self.afterSeconds + 1
        let tracker = DeliveryTracker(
            receivers: Array(repeating: self.members - 1, count: self.members),
            messagesPerStream: Int((perMember * seconds).rounded(.up)) + 1, window: self.window, firstPhase: "quiet")
        for member in members {
            try await member.run { connection, context in
                connection.receiver = DeliveryReceiver(tracker: tracker)
                return context.eventLoop.makeSucceededVoidFuture()
            }.get()
        }
        let senders = members.enumerated().map { index, member in
            let sender = StreamSender(
                channel: member.channel, tracker: tracker, stream: index, target: channel,
                textBytes: self.textBytes, rate: perMember)
            tracker.attach(sender, to: index)
            return sender
        }
        return Chat(members: population.clients, tracker: tracker, senders: senders)
    }

    /// Quiet, storm, after and the drain; returns the storm's clients for closing.
    private func runPhases(
        chat: Chat, group: MultiThreadedEventLoopGroup, contexts: ClientContexts, into report: inout JSONLine
    ) async throws -> [BenchClient?] {
        // Load the storm's certificates now: reading thousands of files is no part of it.
        let first = self.members
        let nicks = (first..<(first + self.clients)).map { self.options.nick($0) }
        let clientContexts = try nicks.map { try contexts.context(for: $0) }

        // Members start evenly spread over one message interval, not all on one tick.
        let interval = Double(self.members) / self.rate
        for (index, sender) in chat.senders.enumerated() {
            sender.start(after: .nanoseconds(Int64(interval * 1e9 * Double(index) / Double(chat.senders.count))))
        }
        try await Task.sleep(for: .seconds(self.quietSeconds))

        chat.tracker.beginPhase("storm")
        let storm = try await self.storm(nicks: nicks, contexts: clientContexts, group: group, into: &report)
        chat.tracker.beginPhase("after")
        try await Task.sleep(for: .seconds(self.afterSeconds))
        chat.tracker.stopSending()

        let deadline = monotonicNanoseconds() + UInt64(self.options.timeout * 1e9)
        while !chat.tracker.isComplete, monotonicNanoseconds() < deadline {
            try await Task.sleep(for: .milliseconds(10))
        }
        report["timed_out"] = !chat.tracker.isComplete
        var figures = JSONLine()
        _ = chat.tracker.report(into: &figures)
        report.merge(figures)
        var lag: UInt64 = 0
        for sender in chat.senders { lag = max(lag, try await sender.lag().get()) }
        report["chat_send_lag_ms_max"] = Double(lag) / 1e6
        return storm
    }

    /// Connects and registers the storm's users, `concurrency` at a time; none starts
    /// once `options.timeout` has passed. Returns the clients (nil for each that failed).
    private func storm(
        nicks: [String], contexts: [TLSContext], group: MultiThreadedEventLoopGroup, into report: inout JSONLine
    ) async throws -> [BenchClient?] {
        // The storm's users send nothing after registering: no OPER or MODE of the chat.
        var options = self.options
        options.afterRegister = []
        if let stormPort = self.stormPort { options.port = stormPort }
        let stormOptions = options
        let measurement = Measurement(serverPID: stormOptions.serverPID)
        let start = monotonicNanoseconds()
        let deadline = start + UInt64(stormOptions.timeout * 1e9)
        let outcome = await concurrently(count: nicks.count, concurrency: self.concurrency) { index in
            let begun = monotonicNanoseconds()
            guard begun < deadline else {
                throw BenchError("not started: the storm had lasted --timeout \(stormOptions.timeout) s")
            }
            let client = try await BenchClient.connect(
                group: group, options: stormOptions, context: contexts[index], nick: nicks[index])
            return Admission(client: client, nanoseconds: monotonicNanoseconds() - begun)
        }
        let seconds = Double(monotonicNanoseconds() - start) / 1e9
        let admitted = outcome.results.count { $0 != nil }
        _ = measurement.finish(into: &report, perUnit: [("admission", admitted, 1e6, "us")])
        var latency = LatencyHistogram()
        for case let admission? in outcome.results { latency.record(admission.nanoseconds) }
        report["admitted"] = admitted
        report["admission_failed"] = outcome.failures
        report["admit_all_seconds"] = seconds
        report["admissions_per_second"] = Double(admitted) / max(seconds, 1e-9)
        latency.report(into: &report, prefix: "admission_latency_ms", scale: 1e6)
        if let firstError = outcome.firstError { report["admission_first_error"] = firstError }
        return outcome.results.map { $0?.client }
    }

    /// Sets the nice value of each of the group's threads (on Linux it belongs to the
    /// thread, and `who` 0 names the calling one; setpriority(2)). Best effort: a value the
    /// process may not take leaves the thread as it was.
    private static func lowerPriority(of group: MultiThreadedEventLoopGroup, to nice: Int32) async {
        guard nice != 0 else { return }
        for loop in group.makeIterator() {
            try? await loop.submit { _ = setpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0, nice) }.get()
        }
    }

    private struct Admission: Sendable {
        let client: BenchClient
        let nanoseconds: UInt64
    }
}
