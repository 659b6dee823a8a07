import ArgumentParser
import ChatClient
import Foundation
import Moderation

/// `filter`: what the offensive-text filter costs one message, in-process: the same scan
/// the hub runs once per message before fan-out, timed over many messages.
struct FilterCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "filter",
        abstract: "Time the offensive-text filter's scan of a message (no server, no sockets).",
        discussion: """
            Loads the rules file as the server does, then scans -n texts one after the other and \
            prints the time per message and per byte. The texts are privmsg's and fanout's: \
            "B <stream> <seq> <nanoseconds> " and x's up to --text-bytes, each one different; \
            or --text, the same text every time. Compare ns_per_message with the server CPU \
            per delivery of `privmsg` to see what share of a message the filter is.
            """
    )

    @Option(help: "The rules file (the server's [moderation] filter).")
    var filter: String
    @Option(name: .customShort("n"), help: "Messages to scan.")
    var count: Int = 1_000_000
    @Option(help: "Bytes of text per generated message.")
    var textBytes: Int = 100
    @Option(help: "One text to scan every time instead of generated ones.")
    var text: String?

    func validate() throws {
        guard count > 0, textBytes >= 30 else { throw ValidationError("need -n ≥ 1 and --text-bytes ≥ 30") }
    }

    func run() throws {
        let source: String
        do {
            source = try String(contentsOfFile: self.filter, encoding: .utf8)
        } catch {
            throw ValidationError("cannot read \(self.filter): \(error.localizedDescription)")
        }
        let filter: ModerationFilter
        do {
            filter = try ModerationFilter(parsing: source, path: self.filter)
        } catch {
            throw ValidationError("\(error)")
        }
        let padding = String(repeating: "x", count: max(1, self.textBytes - 25))
        // Built before the clock starts: the texts are no part of the filter's cost.
        let texts = (0..<min(self.count, 10_000)).map { seq in
            self.text ?? "B \(seq % 100) \(seq) \(1_700_000_000_000_000_000 + UInt64(seq) * 7_919) \(padding)"
        }
        var matched = 0
        let start = monotonicNanoseconds()
        for index in 0..<self.count where !filter.scan(texts[index % texts.count]).isEmpty {
            matched += 1
        }
        let nanoseconds = Double(monotonicNanoseconds() - start)
        let bytes = Double(texts.reduce(0) { $0 + $1.utf8.count }) / Double(texts.count)
        var report = JSONLine()
        report["scenario"] = "filter"
        report["filter"] = self.filter
        report["rules"] = filter.rules.count
        report["messages"] = self.count
        report["matched"] = matched
        report["text_bytes"] = bytes
        report["ns_per_message"] = nanoseconds / Double(self.count)
        report["ns_per_byte"] = nanoseconds / Double(self.count) / bytes
        print(report.text)
    }
}
