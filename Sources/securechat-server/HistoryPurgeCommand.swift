import ArgumentParser
import ChatServer
import Foundation
import HistoryStore
import IRC

/// `securechat-server history purge`: deletes what one nick sent, for a person who leaves.
struct HistoryPurgeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "purge",
        abstract: "Delete every message a nick sent, in channels and in private.",
        discussion: """
            Example:
            \(example)

            Deletes the messages NICK sent (any case), wherever they went, and with
            them the private ones still kept for a recipient who was offline. What
            others sent to NICK stays: it is theirs. Deletes in small transactions; an
            interrupted purge leaves the rest for the next run. NICK's read markers
            (draft/read-marker) go too; a running server keeps serving them from memory
            until it restarts. Remove NICK from the allowlist as well, or what it sends
            next is kept again.
            """
    )

    /// One nick's messages, everywhere: the example `history --help` shows too.
    static let example = """
          securechat-server history purge --config /etc/securechat/server.toml \\
              --nick mallory
        """

    @OptionGroup var location: HistoryLocation

    @Option(help: "The nick whose messages are deleted.")
    var nick: String

    func run() async throws {
        guard IRCName.isValidNickname(self.nick) else {
            throw ConfigurationError(.invalidValue, "--nick \(self.nick) is not a nickname")
        }
        let nick = IRCCaseMapping.fold(self.nick)
        let (deleted, path) = try await self.location.withStore { store in
            (try await store.purge(sentBy: nick), store.path)
        }
        print("deleted \(deleted) \(deleted == 1 ? "message" : "messages") sent by \(self.nick) from \(path)")
    }
}
