import ArgumentParser
import ChatClient
import Foundation

/// `securechat` without a subcommand: chat in the terminal.
struct Interactive: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "chat",
        abstract: "Chat interactively (the default): text goes to the current room, @nick text is private.",
        discussion: """
            Examples:
              securechat
              securechat chat --server chat.example.com --nick alice

            A pasted block of several lines waits in the input, shown with its line
            count, until Enter sends it (as one multiline message where the server offers
            draft/multiline) or Ctrl-C discards it. Long messages are cut between words.

            Type /help for the commands. Ctrl-D on an empty line or /quit leaves.
            Joining a room shows its last 20 messages, dated in brackets; after a lost
            connection, what was said meanwhile is shown the same way, and no message twice.
            """
    )

    @OptionGroup var options: ConnectionOptions

    func run() async throws {
        let configuration = try self.options.configuration()
        try configuration.validateForConnecting()
        ConnectionOptions.warnAboutExpiry(configuration)
        let terminal = InteractiveTerminal()
        let session = ChatSession(configuration: configuration, interactive: isatty(0) == 1) { contact in
            Output.note(contact.prompt, newline: false)
            let answer = (readLine() ?? "").trimmingCharacters(in: .whitespaces).lowercased()
            return answer == "y" || answer == "yes"
        }
        let chat = InteractiveChat(session: session, terminal: terminal)
        let (lines, input) = AsyncStream<String?>.makeStream()
        let runner = Task { await session.run() }
        var started = false
        let formatter = EventFormatter()
        var quieting = ReconnectQuieting()
        let reader = Task {
            for await line in lines {
                guard let line else {
                    await session.quit()
                    return
                }
                await chat.handle(line)
            }
        }
        for await event in session.events {
            if case .registered = event, !started {
                started = true
                try terminal.run(onLine: { input.yield($0) }, onEnd: { input.yield(nil) })
            }
            await chat.observe(event)
            if case .disconnected(let cause) = event {
                terminal.stop()
                input.finish()
                if let cause { throw cause }
                break
            }
            guard quieting.shows(event) else { continue }
            if let line = formatter.line(for: event) { terminal.show(line, indent: formatter.indent(for: event)) }
        }
        reader.cancel()
        _ = await runner.value
    }

}

/// The interactive state: which room plain text goes to, and carrying out typed actions.
actor InteractiveChat {
    /// How long text typed (or piped) at once waits for the server's automatic join.
    /// Ten seconds: on a busy server the join can take a while, and piped text must not be lost.
    private static let firstRoomWait: Duration = .seconds(10)

    private let session: ChatSession
    private let terminal: InteractiveTerminal
    private var currentRoom: String?
    /// Set once the first room is known or ``firstRoomWait`` ran out; lines no longer wait.
    private var firstRoomSettled = false
    private var firstRoomWaiters: [CheckedContinuation<Void, Never>] = []

    init(session: ChatSession, terminal: InteractiveTerminal) {
        self.session = session
        self.terminal = terminal
    }

    /// Follows joins and parts so that the prompt names the current room.
    func observe(_ event: ChatEvent) {
        switch event {
        case .joined(let room, _, true):
            if self.currentRoom == nil { self.switchTo(room) }
        case .parted(let room, _, _, true), .kicked(let room, _, _, _, true):
            if self.currentRoom == room { self.switchTo(self.session.rooms.first { $0 != room }) }
        default:
            break
        }
    }

    func handle(_ line: String) async {
        await self.waitForFirstRoom()
        let action = InputParser.parse(line, currentRoom: self.currentRoom)
        guard let connection = self.session.connection else {
            if case .quit = action {
                await self.session.quit()
            } else if action != .nothing {
                self.terminal.show("not connected right now; the client is reconnecting")
            }
            return
        }
        do {
            switch action {
            case .send(let target, let text):
                self.report(try await connection.say(text, to: target))
            case .action(let target, let text):
                self.report(try await connection.say(text, to: target, action: true))
            case .join(let room):
                try await connection.join(room)
                self.switchTo(room)
            case .part(let room, let reason):
                try await connection.part(room, reason: reason)
            case .switchRoom(let room):
                if self.session.rooms.contains(where: { $0.lowercased() == room.lowercased() }) {
                    self.switchTo(room)
                } else {
                    self.terminal.show("you are not in \(room); /join \(room) first")
                }
            case .listRooms:
                let rooms = self.session.rooms
                self.terminal.show(rooms.isEmpty ? "you are in no room" : "your rooms: " + rooms.joined(separator: ", "))
            case .who(let mask):
                try await connection.who(mask)
            case .topic(let room, let text):
                try await connection.topic(room, text)
            case .nick(let nick):
                try await connection.changeNick(nick)
            case .report(let target, let msgid, let reason):
                try await connection.report(target, msgid: msgid, reason: reason)
            case .quit(let message):
                await self.session.quit(message)
            case .help:
                InputParser.helpText.split(separator: "\n").forEach { self.terminal.show(String($0)) }
            case .hint(let hint):
                self.terminal.show(hint)
            case .nothing:
                break
            }
        } catch {
            self.terminal.show("not sent: \(error.reason)")
        }
    }

    /// Tells the user when a message did not go as typed: cut into several, or batched in parts.
    private func report(_ report: SendReport) {
        if let notice = report.notice { self.terminal.show(notice) }
    }

    private func switchTo(_ room: String?) {
        self.currentRoom = room
        self.terminal.setPrompt(room.map { "\($0)> " } ?? "> ")
        if room != nil { self.settleFirstRoom() }
    }

    /// The server's automatic join follows registration closely: the first lines wait for
    /// it (resumed by the join itself, or after ``firstRoomWait``) so that they go to that
    /// room. Later lines never wait, even with no room.
    private func waitForFirstRoom() async {
        guard !self.firstRoomSettled else { return }
        let timer = Task {
            try await Task.sleep(for: Self.firstRoomWait)
            self.settleFirstRoom()
        }
        await withCheckedContinuation { self.firstRoomWaiters.append($0) }
        timer.cancel()
    }

    private func settleFirstRoom() {
        self.firstRoomSettled = true
        let waiters = self.firstRoomWaiters
        self.firstRoomWaiters = []
        for waiter in waiters { waiter.resume() }
    }
}
