import ArgumentParser
import ChatServer
import Moderation

/// `securechat-server filter-test --filter F "text"`: which rules a text matches.
struct FilterTestCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "filter-test",
        abstract: "Show which filter rules a text matches, and on which token.",
        discussion: """
            Examples:
              securechat-server filter-test --filter /etc/securechat/filter.toml "some text"
              securechat-server filter-test --filter filter.toml --scope private "text"
              securechat-server filter-test --filter filter.toml --channel '#ops' --nick alice "text"

            Prints one line per rule that applies, in file order, with its action and the
            normalised token (or phrase) that matched, then the rule that decides (the most
            severe). Exit status: 0 when a rule matched, 1 when none did, 2 when the filter
            file is refused (with path:line and what is wrong), as the server would refuse it.
            """
    )

    @Option(help: "The filter file ([[rule]] tables).")
    var filter: String
    @Option(help: "channel (default), private, notice, topic, part or quit.")
    var scope: String = FilterScope.channel.rawValue
    @Option(help: "The channel the text is sent to, for exempt_channels.")
    var channel: String?
    @Option(help: "The sender's nick, for exempt_nicks.")
    var nick: String = ""
    @Argument(help: "The text to test.")
    var text: String

    func run() throws {
        guard let scope = FilterScope(rawValue: scope) else {
            let names = FilterScope.allCases.map(\.rawValue).joined(separator: ", ")
            throw ValidationError("--scope \(self.scope) is not a scope; use one of: \(names)")
        }
        let filter: ModerationFilter
        do {
            filter = try ModerationFilter.load(path: self.filter)
        } catch {
            report("securechat-server filter-test: \(error.reason)")
            throw ExitCode(2)
        }
        let matches = filter.matches(text, scope: scope, channel: channel, nick: nick)
        guard let decisive = filter.decide(filter.scan(text), scope: scope, channel: channel, nick: nick) else {
            print("no rule matches (\(filter.rules.count) rules, scope \(scope.rawValue))")
            throw ExitCode(1)
        }
        for match in matches {
            print("rule \(match.rule.id) (\(match.rule.action.rawValue)) matches \"\(match.token)\"")
        }
        print("decides: rule \(decisive.rule.id): \(decisive.rule.action.rawValue), \"\(decisive.rule.reason)\"")
    }
}
