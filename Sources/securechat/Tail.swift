import ArgumentParser
import ChatClient
import Foundation

/// `securechat tail`: prints incoming messages as JSON lines until interrupted.
struct Tail: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print incoming messages as JSON lines until interrupted (Ctrl-C exits 0).",
        discussion: """
            Examples:
              securechat tail '#lobby'
              securechat tail | jq -r 'select(.private) | .from + ": " + .text'

            Each line: {"time":"2026-01-02T03:04:05.678Z","room":"#lobby","from":"alice","text":"hi","private":false}
            ("room" is null for private messages). Reconnects when the server goes away.
            """
    )

    @OptionGroup var options: ConnectionOptions

    @Argument(help: "Rooms to join and print; without any, the configured rooms and private messages.")
    var rooms: [String] = []

    func run() async throws {
        var configuration = try self.options.configuration()
        ConnectionOptions.warnAboutExpiry(configuration)
        let rooms = self.rooms.map { $0.hasPrefix("#") ? $0 : "#" + $0 }
        if !rooms.isEmpty { configuration.rooms = rooms }
        Interrupt.exitOnSignal()
        let session = ChatSession(configuration: configuration, interactive: false)
        let runner = Task { await session.run() }
        let formatter = EventFormatter()
        for await event in session.events {
            switch event {
            case .message(let message):
                if !rooms.isEmpty, let room = message.room, !rooms.contains(where: { $0.lowercased() == room.lowercased() }) {
                    continue
                }
                Output.line(JSONLine.encode(message))
            case .disconnected(let cause?):
                throw cause
            case .reconnecting, .reconnected, .serverError:
                if let line = formatter.line(for: event) { Output.note(line) }
            default:
                break
            }
        }
        _ = await runner.value
    }
}

/// Ctrl-C (SIGINT) and SIGTERM end the program with status 0: stopping is the normal way out.
enum Interrupt {
    nonisolated(unsafe) private static var sources: [any DispatchSourceSignal] = []

    static func exitOnSignal(_ cleanup: @escaping @Sendable () -> Void = {}) {
        for number in [SIGINT, SIGTERM] {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler {
                cleanup()
                exit(0)
            }
            source.resume()
            self.sources.append(source)
        }
    }
}
