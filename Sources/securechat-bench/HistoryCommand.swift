import ArgumentParser
import ChatClient
import Foundation
import HistoryStore

/// `history`: many senders, each waiting for its own echo, which a server with a history
/// log sends only once the message is stored; then what reached the database is counted.
struct HistoryCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "history",
        abstract: "S senders each send K messages with echo-message; echo latency, then what the server's database holds.",
        discussion: """
            Each sender requests echo-message and sends to a channel of its own (--channel-prefix \
            followed by its index), so the only delivery is its own echo: what is measured is the \
            path through the history log, which releases an echo only after the message's batch \
            committed. latency_us_p50/p99/max is send to own echo. With --rate the senders share \
            that many messages per second; without it each runs as fast as --window unanswered \
            messages allow (the store's throughput).

            With --database (the server's history.sqlite, read through a read-only connection \
            once every echo is in) it then counts this run's messages in the file: \
            stored_messages, stored_per_second (over the run's wall time) and stored_lost (sent \
            but not in the file; must be 0).

            Example:
              securechat-bench history -s 50 -k 2000 --rate 20000 --database data/history.sqlite \\
                  --port 6697 --ca pki/ca.pem --cert pki/clients --key pki/client.key --server-pid 1234
            """
    )

    @OptionGroup var options: BenchOptions
    @Option(name: .customShort("s"), help: "Senders.")
    var senders: Int = 50
    @OptionGroup var pacing: PacingOptions
    @Option(help: "Each sender's channel is this followed by its index.")
    var channelPrefix: String = "#history-"
    @Option(help: "The server's history database (history.sqlite), to count what it stored.")
    var database: String?

    func validate() throws {
        guard (1...Int(UInt16.max)).contains(self.senders) else {
            throw ValidationError("need 1 ≤ -s ≤ 65535")
        }
    }

    func run() async throws {
        var options = self.options
        if !options.capabilities.contains("echo-message") { options.capabilities.append("echo-message") }
        var report = options.report(scenario: self.pacing.rate == nil ? "history-max" : "history")
        report["senders"] = self.senders
        report["messages_per_sender"] = self.pacing.messages
        let prefix = self.channelPrefix
        // Stream i is user i writing to its own channel; it receives its echo, nothing else.
        let run = MessagingRun(
            options: options, users: self.senders, channel: { "\(prefix)\($0)" },
            streams: (0..<self.senders).map { (sender: $0, target: "\(prefix)\($0)", receivers: 1) },
            pacing: self.pacing)
        if let outcome = try await run.run(into: &report), let database = self.database {
            do {
                let stored = try self.countStored(in: database)
                report["stored_messages"] = stored
                report["stored_per_second"] = Double(stored) / max(outcome.wallSeconds, 1e-9)
                report["stored_lost"] = outcome.sent - stored
            } catch {
                report["error"] = "\(error)"
            }
        }
        print(report.text)
    }

    /// This run's distinct messages in the database: in each sender's channel, the texts
    /// `B <stream> <seq> …` of that stream with a sequence number it sent.
    private func countStored(in database: String) throws -> Int {
        var stored = 0
        for sender in 0..<self.senders {
            let channel = "\(self.channelPrefix)\(sender)".lowercased()
            var seen = Set<Int>()
            for text in try HistoryStoreBenchmark.storedTexts(databaseAt: database, in: .channel(channel)) {
                let words = text.split(separator: " ", maxSplits: 3)
                guard words.count >= 3, words[0] == "B", Int(words[1]) == sender, let seq = Int(words[2]),
                    (0..<self.pacing.messages).contains(seq)
                else { continue }
                seen.insert(seq)
            }
            stored += seen.count
        }
        return stored
    }
}
