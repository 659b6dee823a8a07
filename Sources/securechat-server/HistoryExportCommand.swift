import ArgumentParser
import ChatServer
import Foundation
import HistoryStore
import ServerTime
import IRC

/// `securechat-server history export`: one conversation as JSON lines, for an audit.
struct HistoryExportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write one conversation's messages as JSON lines, oldest first.",
        discussion: """
            Examples:
            \(auditExample)
              securechat-server history export --config server.toml \\
                  --target alice,bob | jq -r .text

            Each line is one JSON object with time (UTC, to the millisecond), msgid,
            from (nick!user@host), target and text. --target is a channel, or two
            nicks with a comma for their private conversation. The output file is
            replaced and made readable by its owner only: it may hold private
            conversations. The count goes to standard error.
            """
    )

    /// A channel's messages since a date, to a file: the example `history --help` shows too.
    static let auditExample = """
          securechat-server history export --data-dir /var/lib/securechat \\
              --target '#ops' --since 2026-01-01T00:00:00Z --output ops.jsonl
        """

    @OptionGroup var location: HistoryLocation

    @Option(help: "The conversation: '#channel', or 'nick,nick' for a private one.")
    var target: String
    @Option(help: "Only messages from this UTC time on: 2026-01-01T00:00:00Z, or 2026-01-01 (default: all).")
    var since: String?
    @Option(help: "Write to this file (mode 0600) instead of standard output.")
    var output: String?

    func run() async throws {
        let conversation = try Self.conversation(self.target)
        let since = try self.since.map(Self.milliseconds) ?? 0
        let output = self.output
        let written = try await self.location.withStore { store in
            if let output {
                return try await store.export(conversation, since: since, to: URL(fileURLWithPath: output))
            }
            return try await store.export(conversation, since: since, into: .standardOutput, named: "standard output")
        }
        let span = self.since == nil ? "" : " since \(ServerTimeFormat.format(since))"
        report("exported \(written) \(written == 1 ? "message" : "messages") of \(self.target)\(span)" + (self.output.map { " to \($0)" } ?? ""))
    }

    /// The conversation `--target` names, folded as the server stores it.
    static func conversation(_ target: String) throws -> HistoryConversation {
        if target.hasPrefix("#") {
            guard IRCName.isValidChannelName(target) else {
                throw ConfigurationError(.invalidValue, "--target \(target) is not a channel name")
            }
            return .channel(IRCCaseMapping.fold(target))
        }
        let nicks = target.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        guard nicks.count == 2, nicks.allSatisfy(IRCName.isValidNickname) else {
            throw ConfigurationError(
                .invalidValue, "--target \(target) is neither a channel ('#ops') nor two nicks of a private conversation ('alice,bob')")
        }
        return .direct(IRCCaseMapping.fold(nicks[0]), IRCCaseMapping.fold(nicks[1]))
    }

    /// `--since` in milliseconds: `YYYY-MM-DDThh:mm:ss[.sss]Z` or `YYYY-MM-DD`, UTC.
    static func milliseconds(_ text: String) throws -> Int64 {
        var full = text
        if full.count == 10 { full += "T00:00:00Z" }
        if full.count == 20, full.hasSuffix("Z") { full = full.dropLast() + ".000Z" }
        guard let milliseconds = ServerTimeFormat.parse(full) else {
            throw ConfigurationError(
                .invalidValue, "--since \(text) is not a UTC time; write it as 2026-01-01T00:00:00Z, or 2026-01-01 for that midnight")
        }
        return milliseconds
    }
}
