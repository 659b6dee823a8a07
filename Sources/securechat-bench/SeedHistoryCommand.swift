import ArgumentParser
import ChatClient
import Foundation
import HistoryStore

/// `seed-history`: fills a server's history database before it starts, for `chathistory`.
struct SeedHistoryCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "seed-history",
        abstract: "Fill a data directory's history database with N channel messages (run before the server starts).",
        discussion: """
            The messages go round-robin into --channels channels (--channel-prefix followed by \
            0, 1, …), 100 bytes of text each, from 50 senders, one millisecond apart and ending now, through the history \
            store itself (the server's schema and msgids), in large transactions without a sync \
            each. Prints one JSON line: messages, seconds, messages_per_second.

            Example:
              securechat-bench seed-history --data-dir run/data -n 1000000 --channels 10
            """
    )

    @Option(help: "The server's data directory; history.sqlite is made or added to there.")
    var dataDir: String
    @Option(name: .customShort("n"), help: "Messages to store.")
    var messages: Int = 1_000_000
    @Option(help: "Channels they are spread over.")
    var channels: Int = 10
    @Option(help: "Channel names are this followed by 0, 1, …")
    var channelPrefix: String = "#seed-"

    func run() async throws {
        guard self.messages > 0, self.channels > 0 else { throw ValidationError("need -n ≥ 1 and --channels ≥ 1") }
        let names = (0..<self.channels).map { "\(self.channelPrefix)\($0)".lowercased() }
        let result = try await HistoryStoreBenchmark.seed(
            directory: URL(fileURLWithPath: self.dataDir), count: self.messages, channels: names)
        var report = JSONLine()
        report["scenario"] = "seed-history"
        report["messages"] = result.messages
        report["channels"] = self.channels
        report["seconds"] = result.seconds
        report["messages_per_second"] = Double(result.messages) / max(result.seconds, 1e-9)
        report["transactions"] = result.statistics.committedBatches
        print(report.text)
    }
}
