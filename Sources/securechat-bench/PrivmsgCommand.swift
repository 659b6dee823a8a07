import ArgumentParser
import ChatClient

/// `privmsg`: P pairs of users, each sending K private messages to the other.
struct PrivmsgCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "privmsg",
        abstract: "P pairs of users; each user sends K private messages to its partner.",
        discussion: "Pacing, sequence checks and latency as in fanout."
    )

    @OptionGroup var options: BenchOptions
    @Option(name: .customShort("p"), help: "Pairs of users.")
    var pairs: Int = 50
    @OptionGroup var pacing: PacingOptions

    func run() async throws {
        guard self.pairs > 0 else {
            throw ValidationError("need -p ≥ 1")
        }
        var report = self.options.report(scenario: "privmsg")
        report["pairs"] = self.pairs
        report["messages_per_user"] = self.pacing.messages
        let options = self.options
        // Stream i is user i writing to its partner (i ^ 1).
        let run = MessagingRun(
            options: options, users: 2 * self.pairs, channel: { _ in nil },
            streams: (0..<(2 * self.pairs)).map { (sender: $0, target: options.nick($0 ^ 1), receivers: 1) },
            pacing: self.pacing)
        try await run.run(into: &report)
        print(report.text)
    }
}
