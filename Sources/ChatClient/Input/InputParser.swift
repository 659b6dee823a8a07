import IRC

/// Turns a typed line into an ``InputAction``: pure, so every edge is a table test.
///
/// Plain text goes to the current room; `@nick text` is a private message; `/command`
/// runs a command; `//text` sends `/text` as a message.
public enum InputParser {
    /// The commands, with their syntax and what each does, for `/help`.
    public static let commands: [(name: String, syntax: String, summary: String)] = [
        ("join", "/join #room", "join a room (created if new) and make it the current one"),
        ("part", "/part [#room] [reason]", "leave a room (default: the current one)"),
        ("switch", "/switch #room (or /room #room)", "send plain text to another room you are in"),
        ("rooms", "/rooms", "list the rooms you are in"),
        ("who", "/who [#room]", "list who is in a room"),
        ("msg", "/msg nick|#room text", "send one message elsewhere (@nick text does the same)"),
        ("me", "/me action", "an action in the third person: * alice waves"),
        ("topic", "/topic [#room] [text]", "show or set a room's topic"),
        ("nick", "/nick newnick", "change your nick (it must be bound to your certificate)"),
        ("report", "/report nick|#room [msgid] reason", "report to the server's operators, with what you were sent"),
        ("quit", "/quit [message]", "leave the server and exit"),
        ("help", "/help", "this list"),
    ]

    /// The keys of the input line, for `/help`.
    public static let keys: [(keys: String, summary: String)] = [
        ("Enter", "send the line (or a pasted block, as one message)"),
        ("Up / Down", "earlier and later lines you sent"),
        ("Left / Right, Home / End, Ctrl-A / Ctrl-E", "move in the line"),
        ("Ctrl-Left / Ctrl-Right, Alt-B / Alt-F", "move by word"),
        ("Ctrl-W, Alt-Backspace", "delete the word before the cursor"),
        ("Ctrl-K / Ctrl-U", "delete to the end / the start of the line"),
        ("Ctrl-C", "clear the line (discard a pasted block)"),
        ("Ctrl-L", "clear the screen"),
        ("Ctrl-D", "on an empty line: quit"),
    ]

    /// The `/help` text: plain text and `@nick`, each command with its syntax and what it
    /// does, then the keys. The conversation has no scrollback of its own: use your
    /// terminal's (Shift-PageUp in most).
    public static var helpText: String {
        let width = self.commands.map(\.syntax.count).max() ?? 0
        let keyWidth = self.keys.map(\.keys.count).max() ?? 0
        func pad(_ text: String, _ width: Int) -> String { text + String(repeating: " ", count: max(width - text.count, 0)) }
        return (["text — goes to the current room; @nick text — a private message; //text — text starting with /", "commands:"]
            + self.commands.map { "  " + pad($0.syntax, width) + "  " + $0.summary }
            + ["keys:"]
            + self.keys.map { "  " + pad($0.keys, keyWidth) + "  " + $0.summary }
            + ["scrolling back: your terminal's own scrollback (Shift-PageUp in most terminals)"])
            .joined(separator: "\n")
    }

    /// Parses `line`; `currentRoom` is where plain text goes (nil before joining any).
    public static func parse(_ line: String, currentRoom: String?) -> InputAction {
        let trimmed = line.trimmingWhitespace
        guard !trimmed.isEmpty else { return .nothing }
        if trimmed.hasPrefix("//") {
            return say(String(trimmed.dropFirst()), in: currentRoom)
        }
        if trimmed.hasPrefix("/") {
            return command(trimmed.dropFirst(), currentRoom: currentRoom)
        }
        if trimmed.hasPrefix("@") {
            let (nick, text) = split(trimmed.dropFirst())
            guard !nick.isEmpty else { return .hint("write @nick followed by a message to send a private message") }
            guard IRCName.isValidNickname(nick) else { return .hint("'\(nick)' is not a valid nick; write @nick message") }
            guard let text else { return .hint("nothing to send to \(nick): write @\(nick) followed by the message") }
            return .send(target: nick, text: text)
        }
        return say(trimmed, in: currentRoom)
    }

    private static func say(_ text: String, in room: String?) -> InputAction {
        guard let room else { return .hint("you are in no room yet: /join #room first, or write @nick message") }
        return .send(target: room, text: text)
    }

    private static func command(_ body: Substring, currentRoom: String?) -> InputAction {
        let (name, rest) = split(body)
        switch name.lowercased() {
        case "join", "j":
            guard let rest, let room = roomName(rest) else { return .hint("usage: /join #room") }
            return .join(room: room)
        case "part", "leave":
            let (first, reason) = split(Substring(rest ?? ""))
            if first.hasPrefix("#") { return .part(room: first, reason: reason) }
            guard let currentRoom else { return .hint("usage: /part #room") }
            return .part(room: currentRoom, reason: rest)
        case "switch", "room", "r":
            guard let rest, let room = roomName(rest) else { return .hint("usage: /switch #room") }
            return .switchRoom(room)
        case "rooms":
            return .listRooms
        case "who":
            if let rest { return .who(rest) }
            guard let currentRoom else { return .hint("usage: /who #room") }
            return .who(currentRoom)
        case "msg", "query":
            let (target, text) = split(Substring(rest ?? ""))
            guard !target.isEmpty, let text else { return .hint("usage: /msg nick|#room text") }
            return .send(target: target, text: text)
        case "me":
            guard let rest else { return .hint("usage: /me action") }
            guard let currentRoom else { return .hint("you are in no room yet: /join #room first") }
            return .action(target: currentRoom, text: rest)
        case "topic":
            let (first, text) = split(Substring(rest ?? ""))
            if first.hasPrefix("#") { return .topic(room: first, text: text) }
            guard let currentRoom else { return .hint("usage: /topic #room [text]") }
            return .topic(room: currentRoom, text: rest)
        case "nick":
            guard let rest, !rest.contains(" ") else { return .hint("usage: /nick newnick") }
            return .nick(rest)
        case "report":
            return report(Substring(rest ?? ""))
        case "quit", "exit":
            return .quit(message: rest)
        case "help", "?":
            return .help
        default:
            return .hint("unknown command /\(name); /help lists the commands, //text sends text starting with /")
        }
    }

    /// `/report nick|#room [msgid] reason`: a second word of 13 letters and digits starting
    /// with a digit is a msgid (the server's are; no word of a reason looks like one).
    private static func report(_ text: Substring) -> InputAction {
        let usage = InputAction.hint("usage: /report nick|#room [msgid] reason")
        let (target, rest) = split(text)
        guard !target.isEmpty, let rest else { return usage }
        let (word, afterWord) = split(Substring(rest))
        if word.count == 13, word.first?.isNumber == true, word.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber) }) {
            guard let afterWord else { return usage }
            return .report(target: target, msgid: word, reason: afterWord)
        }
        return .report(target: target, msgid: nil, reason: rest)
    }

    /// `#room` from `room` or `#room`; nil when it is not one word.
    private static func roomName(_ text: String) -> String? {
        guard !text.contains(" ") else { return nil }
        let room = text.hasPrefix("#") ? text : "#" + text
        return IRCName.isValidChannelName(room) ? room : nil
    }

    /// The first word and the rest (nil when empty), spaces between them dropped. A line
    /// break ends the word too: a pasted block may start `@bob` on a line of its own.
    private static func split(_ text: Substring) -> (String, String?) {
        guard let space = text.firstIndex(where: { $0 == " " || $0 == "\n" }) else { return (String(text), nil) }
        let rest = text[space...].trimmingWhitespace
        return (String(text[..<space]), rest.isEmpty ? nil : rest)
    }
}

extension StringProtocol {
    /// Without leading and trailing spaces, tabs and line ends.
    var trimmingWhitespace: String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" || $0 == "\r\n" }
        guard let first = self.firstIndex(where: { !isSpace($0) }), let last = self.lastIndex(where: { !isSpace($0) }) else {
            return ""
        }
        return String(self[first...last])
    }
}
