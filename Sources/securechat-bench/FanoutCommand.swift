import ArgumentParser
import ChatClient

/// `fanout`: M members in one channel, S of them each send K messages to it.
struct FanoutCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fanout",
        abstract: "M members in one channel; S senders send K messages each; every member counts what it receives.",
        discussion: """
            Without --rate each sender runs as fast as lossless delivery allows: at most
            --window messages ahead of its slowest receiver. With --rate the senders share
            that many messages per second (still never more than the window ahead).
            Each message carries its stream, sequence number and send time; latency is
            from the sender's write to the receiver's read, both in this process.
            """
    )

    @OptionGroup var options: BenchOptions
    @Option(name: .customShort("m"), help: "Channel members.")
    var members: Int = 100
    @Option(name: .customShort("s"), help: "Members that send.")
    var senders: Int = 10
    @OptionGroup var pacing: PacingOptions
    @Option(help: "The channel.")
    var channel: String = "#fanout"

    func run() async throws {
        guard self.members >= 2, (1...self.members).contains(self.senders) else {
            throw ValidationError("need -m ≥ 2 and 1 ≤ -s ≤ -m")
        }
        var report = self.options.report(scenario: "fanout")
        report["members"] = self.members
        report["senders"] = self.senders
        report["messages_per_sender"] = self.pacing.messages
        let channel = self.channel
        let run = MessagingRun(
            options: self.options, users: self.members, channel: { _ in channel },
            streams: (0..<self.senders).map { (sender: $0, target: channel, receivers: self.members - 1) },
            pacing: self.pacing)
        try await run.run(into: &report)
        print(report.text)
    }
}
