import ChatServer
import Foundation
import Testing
import TestSupport

/// The room: broadcast, private messages, notices, numerics — over real TLS.
@Suite("Server: chat")
struct ServerChatTests {
    @Test func lobbyBroadcastReachesEveryMemberAndNoOneElse() async throws {
        try await withTestServer { server in
            let (alice, bob, carol) = try await server.login("alice", "bob", "carol")
            try await carol.send("PART #lobby :busy")
            try await bob.waitForLine { $0.hasPrefix(":carol!") && $0.contains("PART #lobby") }
            try await alice.send("PRIVMSG #lobby :deploy done")
            try await bob.waitForLine(from: "alice", endingWith: "PRIVMSG #lobby :deploy done")
            try await carol.roundTrip("c1")
            try await alice.roundTrip("a1")
            #expect(!carol.lines.contains { $0.contains("deploy done") })
            #expect(!alice.lines.contains { $0.contains("deploy done") })  // no echo without echo-message
        }
    }

    @Test func privateMessageReachesOnlyItsTarget() async throws {
        try await withTestServer { server in
            let (alice, bob, carol) = try await server.login("alice", "bob", "carol")
            try await alice.send("PRIVMSG bob :this is only for u")
            try await bob.waitForLine(from: "alice", endingWith: "PRIVMSG bob :this is only for u")
            try await carol.roundTrip("c2")
            #expect(!carol.lines.contains { $0.contains("only for u") })
            try await alice.send("PRIVMSG nobody :hello")
            try await alice.waitFor("401")
        }
    }

    @Test func joinPartQuitAndNickNoticesReachChannelPeers() async throws {
        try await withTestServer { server in
            let (alice, bob) = try await server.login("alice", "bob")
            try await alice.waitForLine(from: "bob", endingWith: "JOIN #lobby")
            try await alice.send("JOIN #ops")
            try await alice.waitForLine { $0.contains("353") && $0.contains("@alice") }  // creator is operator
            try await bob.send("JOIN #ops")
            try await alice.waitForLine(from: "bob", endingWith: "JOIN #ops")
            try await bob.send("PART #ops :see you later")
            try await alice.waitForLine(from: "bob", endingWith: "PART #ops :see you later")
            try await bob.send("QUIT :bye now")
            try await alice.waitForLine(from: "bob", endingWith: "QUIT :Quit: bye now")
            try await bob.waitForClose()
        }
    }

    @Test func numericErrors() async throws {
        try await withTestServer { server in
            let alice = try await server.connect("alice")
            try await alice.send("PRIVMSG #lobby :too early")
            try await alice.waitFor("451")
            try await alice.register(nick: "alice")
            try await alice.send("FROB x")
            try await alice.waitForLine { $0.contains(" 421 ") && $0.contains("FROB") }
            try await alice.send("JOIN")
            try await alice.waitForLine { $0.contains(" 461 ") && $0.contains("JOIN") }
            try await alice.send("PRIVMSG #lobby :" + String(repeating: "x", count: 600))
            try await alice.waitFor("417")
            try await alice.roundTrip("still-connected")
        }
    }

    @Test func echoMessageAndServerTime() async throws {
        try await withTestServer { server in
            let alice = try await server.connect("alice")
            try await alice.send("CAP LS 302")
            try await alice.send("CAP REQ :echo-message server-time")
            try await alice.waitForLine { $0.contains("ACK") }
            try await alice.send("CAP END")
            try await alice.register(nick: "alice")
            try await alice.waitFor("366")
            try await alice.send("PRIVMSG #lobby :seen once")
            let echo = try await alice.waitForLine { $0.hasSuffix("PRIVMSG #lobby :seen once") }
            #expect(echo.hasPrefix("@time="))
        }
    }

    @Test func twoConnectionsOfOneNickBothReceiveChannelMessages() async throws {
        try await withTestServer { server in
            let (bob, laptop, phone) = try await server.login("bob", "alice", "alice")
            try await bob.send("PRIVMSG #lobby :deploy done")
            try await laptop.waitForLine(from: "bob", endingWith: "PRIVMSG #lobby :deploy done")
            try await phone.waitForLine(from: "bob", endingWith: "PRIVMSG #lobby :deploy done")
            try await laptop.send("PRIVMSG #lobby :rolling back")
            try await phone.waitForLine(from: "alice", endingWith: "PRIVMSG #lobby :rolling back")
            try await bob.waitForLine(from: "alice", endingWith: "PRIVMSG #lobby :rolling back")
            try await laptop.roundTrip("l1")
            #expect(!laptop.lines.contains { $0.hasPrefix("ERROR") || $0.contains("rolling back") })
            #expect(bob.lines.filter { $0.hasPrefix(":alice!") && $0.hasSuffix(" JOIN #lobby") }.count == 1)
            #expect(try await server.server.sessionCount == 3)
        }
    }

    @Test func invalidUTF8IsRefusedAndNotRelayed() async throws {
        try await withTestServer { server in
            let (alice, bob) = try await server.login("alice", "bob")
            try await alice.sendRaw(Array("PRIVMSG #lobby :bad ".utf8) + [0xff, 0xfe] + Array("\r\n".utf8))
            let fail = try await alice.waitFor("FAIL")
            #expect(fail.contains("FAIL * INVALID_UTF8 :") && fail.contains("not valid UTF-8"))
            try await bob.roundTrip("b1")
            #expect(!bob.lines.contains { $0.contains("PRIVMSG #lobby :bad") })
        }
    }

    @Test func gracefulShutdownSaysGoodbyeWithCloseNotify() async throws {
        var clients: [IRCTestClient] = []
        try await withTestServer { server in
            clients.append(try await server.login("alice"))
            clients.append(try await server.login("bob"))
        }
        for client in clients {
            try await client.waitForClose()
            #expect(client.lines.last == "ERROR :Server shutting down")
            #expect(client.log.firstTLSError == nil)  // closed with close_notify, not cut off
        }
    }
}
