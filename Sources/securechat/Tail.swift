import ArgumentParser
import ChatClient
import Foundation

/// `securechat tail`: prints incoming messages as JSON lines until interrupted.
struct Tail: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print incoming messages as JSON lines until interrupted (Ctrl-C exits 0).",
        discussion: """
            Examples:
              securechat tail '#lobby'                    # #lobby only
              securechat tail --private '#ops'           # #ops and private messages
              securechat tail --last 100 '#ops'          # the room's last 100 first
              securechat tail --since 1h | jq -r .text   # the last hour first
              securechat tail | jq -r 'select(.private) | .from + ": " + .text'

            Each line is one JSON object with time, msgid, room, from, text and private,
            in that order: "room" is null for private messages, "msgid" is the server's ID
            of the message (the same on every copy), and a line fetched from the server's
            history ends with "history":true.

            Named rooms print only those rooms; private messages too with --private.
            Without named rooms, the configured rooms and every private message print.

            Without --since or --last only what is said from now on is printed. When the
            server goes away tail reconnects, and prints what was said meanwhile (as
            history) before going on: no message is printed twice.

            --last N asks each room for its last N messages (the server sends at most
            100). --since takes an age (90s, 30m, 1h, 2d, 1w) or a UTC time
            (2026-01-02T03:04:05Z, or 2026-01-02 for that midnight) and prints everything
            since then, up to 1000 messages a room; without named rooms, the private
            conversations since then too.
            """
    )

    @OptionGroup var options: ConnectionOptions

    @Option(help: "Print each room's history since this first: an age (30m, 1h, 2d) or a UTC time (2026-01-02T03:04:05Z).")
    var since: String?

    @Option(help: "Print each room's last N messages first.")
    var last: Int?

    @Flag(help: "Print private messages too when rooms are named (without named rooms they always are).")
    var `private` = false

    @Argument(help: "Rooms to join and print; without any, the configured rooms and private messages.")
    var rooms: [String] = []

    func validate() throws {
        if self.since != nil, self.last != nil { throw ValidationError("give --since or --last, not both") }
        if let last = self.last, last < 1 { throw ValidationError("--last must be 1 or more") }
        if let since = self.since, HistoryPolicy.time(since: since) == nil {
            throw ValidationError("--since \(since) is neither an age (30m, 1h, 2d) nor a UTC time (2026-01-02T03:04:05Z)")
        }
    }

    /// What each room's first join prints: nothing, its last N, or everything since a time.
    func historyPolicy(rooms: [String]) -> HistoryPolicy {
        let named = rooms.isEmpty ? nil : rooms
        if let last = self.last { return HistoryPolicy(start: .latest(last), rooms: named) }
        if let since = self.since, let time = HistoryPolicy.time(since: since) {
            return HistoryPolicy(start: .since(time), rooms: named, privateSince: named == nil ? time : nil)
        }
        return .catchUpOnly
    }

    func run() async throws {
        var configuration = try self.options.configuration()
        ConnectionOptions.warnAboutExpiry(configuration)
        let rooms = self.rooms.map { $0.hasPrefix("#") ? $0 : "#" + $0 }
        if !rooms.isEmpty { configuration.rooms = rooms }
        Interrupt.exitOnSignal()
        let session = ChatSession(configuration: configuration, interactive: false, history: self.historyPolicy(rooms: rooms))
        let runner = Task { await session.run() }
        let formatter = EventFormatter()
        for await event in session.events {
            switch event {
            case .message(let message):
                guard Self.prints(message, rooms: rooms, privateToo: self.private) else { continue }
                Output.line(JSONLine.encode(message))
            case .disconnected(let cause?):
                throw cause
            case .reconnecting, .reconnected, .serverError, .historyIncomplete:
                if let line = formatter.line(for: event) { Output.note(line) }
            default:
                break
            }
        }
        _ = await runner.value
    }

    /// Whether `message` is one to print: without named rooms, everything; with them,
    /// only theirs, and private messages only when asked for with --private.
    static func prints(_ message: ChatMessage, rooms: [String], privateToo: Bool) -> Bool {
        guard !rooms.isEmpty else { return true }
        guard let room = message.room else { return privateToo }
        return rooms.contains { $0.lowercased() == room.lowercased() }
    }
}

/// Ctrl-C (SIGINT) and SIGTERM end the program with status 0: stopping is the normal way out.
enum Interrupt {
    nonisolated(unsafe) private static var sources: [any DispatchSourceSignal] = []

    /// On a terminal the `^C` echo is ended with a line break, so the shell's prompt
    /// starts on a clean line (the exit status is 0, so the shell adds none itself).
    static func exitOnSignal(_ cleanup: @escaping @Sendable () -> Void = {}) {
        for number in [SIGINT, SIGTERM] {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler {
                cleanup()
                if number == SIGINT, isatty(STDERR_FILENO) == 1 { FileHandle.standardError.write(Data("\n".utf8)) }
                exit(0)
            }
            source.resume()
            self.sources.append(source)
        }
    }
}
