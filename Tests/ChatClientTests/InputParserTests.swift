import ChatClient
import Testing

@Suite struct InputParserTests {
    static let cases: [(line: String, room: String?, expected: InputAction)] = [
        ("hello", "#lobby", .send(target: "#lobby", text: "hello")),
        ("   hello  ", "#lobby", .send(target: "#lobby", text: "hello")),
        ("", "#lobby", .nothing),
        ("    ", "#lobby", .nothing),
        ("hello", nil, .hint("you are in no room yet: /join #room first, or write @nick message")),
        ("@bob hi there", "#lobby", .send(target: "bob", text: "hi there")),
        ("  @bob   hi", "#lobby", .send(target: "bob", text: "hi")),
        // A pasted block keeps its lines; @nick may stand on a line of its own.
        ("@bob\nline one\nline two\n", "#lobby", .send(target: "bob", text: "line one\nline two")),
        ("first\n\nthird", "#lobby", .send(target: "#lobby", text: "first\n\nthird")),
        ("@bob hi", nil, .send(target: "bob", text: "hi")),
        ("@", "#lobby", .hint("write @nick followed by a message to send a private message")),
        ("@bob", "#lobby", .hint("nothing to send to bob: write @bob followed by the message")),
        ("@bob    ", "#lobby", .hint("nothing to send to bob: write @bob followed by the message")),
        ("@zoë hi", "#lobby", .hint("'zoë' is not a valid nick; write @nick message")),
        ("//join is a command", "#lobby", .send(target: "#lobby", text: "/join is a command")),
        ("héllo wörld 👋", "#lobby", .send(target: "#lobby", text: "héllo wörld 👋")),
        ("/join #dev", "#lobby", .join(room: "#dev")),
        ("/join dev", "#lobby", .join(room: "#dev")),
        ("/join", "#lobby", .hint("usage: /join #room")),
        ("/part", "#lobby", .part(room: "#lobby", reason: nil)),
        ("/part #dev bye all", "#lobby", .part(room: "#dev", reason: "bye all")),
        ("/part", nil, .hint("usage: /part #room")),
        ("/switch #dev", "#lobby", .switchRoom("#dev")),
        ("/room dev", "#lobby", .switchRoom("#dev")),
        ("/rooms", "#lobby", .listRooms),
        ("/who", "#lobby", .who("#lobby")),
        ("/who #dev", "#lobby", .who("#dev")),
        ("/msg bob hi", "#lobby", .send(target: "bob", text: "hi")),
        ("/msg bob", "#lobby", .hint("usage: /msg nick|#room text")),
        ("/me waves", "#lobby", .action(target: "#lobby", text: "waves")),
        ("/me", "#lobby", .hint("usage: /me action")),
        ("/topic", "#lobby", .topic(room: "#lobby", text: nil)),
        ("/topic release on friday", "#lobby", .topic(room: "#lobby", text: "release on friday")),
        ("/topic #dev new", "#lobby", .topic(room: "#dev", text: "new")),
        ("/nick carol", "#lobby", .nick("carol")),
        ("/nick", "#lobby", .hint("usage: /nick newnick")),
        ("/report bob spamming links", "#lobby", .report(target: "bob", msgid: nil, reason: "spamming links")),
        ("/report #dev 0a1b2c3d4e5f6 this one", "#lobby", .report(target: "#dev", msgid: "0a1b2c3d4e5f6", reason: "this one")),
        ("/report bob inappropriate words", "#lobby", .report(target: "bob", msgid: nil, reason: "inappropriate words")),
        ("/report bob 0a1b2c3d4e5f6", "#lobby", .hint("usage: /report nick|#room [msgid] reason")),
        ("/report bob", "#lobby", .hint("usage: /report nick|#room [msgid] reason")),
        ("/quit", "#lobby", .quit(message: nil)),
        ("/quit see you", "#lobby", .quit(message: "see you")),
        ("/HELP", "#lobby", .help),
        ("/dance", "#lobby", .hint("unknown command /dance; /help lists the commands, //text sends text starting with /")),
    ]

    @Test(arguments: cases)
    func parsesTypedLine(_ item: (line: String, room: String?, expected: InputAction)) {
        #expect(InputParser.parse(item.line, currentRoom: item.room) == item.expected)
    }
}

extension InputParserTests {
    @Test func helpDescribesEveryCommandAndTheKeys() {
        let help = InputParser.helpText
        for command in InputParser.commands {
            let line = help.split(separator: "\n").first { $0.contains(command.syntax) }
            #expect(line?.contains(command.summary) == true, "\(command.name)")
            #expect(!command.summary.isEmpty)
        }
        for key in ["Enter", "Up / Down", "Ctrl-A / Ctrl-E", "Ctrl-W, Alt-Backspace", "Ctrl-C", "Ctrl-D", "Shift-PageUp"] {
            #expect(help.contains(key), "\(key)")
        }
        #expect(InputParser.parse("/help", currentRoom: nil) == .help)
    }
}
