import ArgumentParser
import ChatClient
import Foundation

/// `securechat send`: delivers messages and exits 0 only when the server accepted each.
struct Send: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Send messages to a room or a nick; succeed only when the server accepted every one.",
        discussion: """
            Examples:
              securechat send --to '#lobby' 'deploy done'
              securechat send --to bob 'your build is green'
              tail -n 3 build.log | securechat send --to '#ci'     # one message per line

            A message longer than one IRC line goes as one draft/multiline batch where
            the server offers it, else as several messages cut between words (said on
            stderr); nothing is dropped.

            Exit status 0 means the server echoed every message back (it was accepted);
            1 means it was not (refused certificate, unknown nick, pin mismatch, timeout),
            with the cause on one line of stderr.
            """
    )

    @OptionGroup var options: ConnectionOptions

    @Option(help: "Where to send: '#room' or a nick.")
    var to: String

    @Option(help: "Seconds to wait for connecting and for each message's confirmation.")
    var timeout: Double = 10

    @Argument(help: "The message; without it, each line of standard input is one message.")
    var text: [String] = []

    func validate() throws {
        guard self.timeout > 0 else { throw ValidationError("--timeout must be more than 0 seconds") }
        guard !self.to.isEmpty, !self.to.contains(" ") else { throw ValidationError("--to takes '#room' or a nick, without spaces") }
    }

    func run() async throws {
        let configuration = try self.options.configuration()
        ConnectionOptions.warnAboutExpiry(configuration)
        var messages: [String]
        if self.text.isEmpty {
            messages = []
            while let line = readLine() {
                if !line.trimmingCharacters(in: .whitespaces).isEmpty { messages.append(line) }
            }
        } else {
            messages = [self.text.joined(separator: " ")]
        }
        guard !messages.isEmpty else { throw ValidationError("nothing to send: give the text or pipe lines to standard input") }
        let timeout = Duration.milliseconds(Int64(self.timeout * 1000))
        let connection = try await ChatConnection.connect(
            configuration, rooms: self.to.hasPrefix("#") ? [self.to] : [], interactive: false, timeout: timeout,
            history: .catchUpOnly)
        do {
            for message in messages {
                let report = try await connection.deliver(message, to: self.to, timeout: timeout)
                if let notice = report.notice { Output.note(notice) }
            }
        } catch {
            await connection.quit()
            throw error
        }
        await connection.quit()
    }
}
