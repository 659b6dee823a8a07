import ChatServer
import Foundation
import Testing
import TestSupport

/// Channel modes, INVITE and WHO masks over real TLS.
@Suite("Server: channel modes")
struct ServerChannelModeTests {
    @Test func inviteOnlyKeyedChannelAdmitsTheInvitedAndRefusesTheRest() async throws {
        try await withTestServer { server in
            let (alice, bob, carol) = try await server.login("alice", "bob", "carol")
            try await alice.send("JOIN #ops")
            try await alice.waitForLine { $0.contains(" 353 ") && $0.contains("@alice") }
            try await alice.send("MODE #ops +ik sekrit")
            try await alice.waitForLine(from: "alice", endingWith: "MODE #ops +ik sekrit")
            try await bob.send("JOIN #ops")
            try await bob.waitForLine { $0.contains(" 473 bob #ops ") }
            try await carol.send("JOIN #ops wrong")
            // +i is checked before +k.
            try await carol.waitForLine { $0.contains(" 473 carol #ops ") }
            try await alice.send("INVITE bob #ops")
            try await alice.waitForLine { $0.contains(" 341 alice bob #ops") }
            try await bob.waitForLine(from: "alice", endingWith: "INVITE bob #ops")
            try await bob.send("JOIN #ops")
            try await alice.waitForLine(from: "bob", endingWith: "JOIN #ops")
            try await alice.send("MODE #ops -i")
            try await carol.send("JOIN #ops")
            try await carol.waitForLine { $0.contains(" 475 carol #ops ") }
            try await carol.send("JOIN #ops sekrit")
            try await alice.waitForLine(from: "carol", endingWith: "JOIN #ops")
        }
    }

    @Test func bannedAndUnvoicedMembersCannotSpeak() async throws {
        try await withTestServer { server in
            let (alice, bob, carol) = try await server.login("alice", "bob", "carol")
            for client in [alice, bob, carol] {
                try await client.send("JOIN #ops")
                try await client.waitForLine { $0.contains(" 366 ") && $0.contains("#ops") }
            }
            try await alice.send("MODE #ops +b ~a:carol")
            try await carol.waitForLine { $0.hasSuffix("MODE #ops +b ~a:carol") }
            try await carol.send("PRIVMSG #ops :still here?")
            try await carol.waitForLine { $0.contains(" 404 carol #ops ") }
            try await alice.send("MODE #ops +m")
            try await bob.waitForLine { $0.hasSuffix("MODE #ops +m") }
            try await bob.send("PRIVMSG #ops :quiet")
            try await bob.waitForLine { $0.contains(" 404 bob #ops ") }
            try await alice.send("MODE #ops +v bob")
            try await bob.waitForLine { $0.hasSuffix("MODE #ops +v bob") }
            try await bob.send("PRIVMSG #ops :voiced now")
            try await alice.waitForLine(from: "bob", endingWith: "PRIVMSG #ops :voiced now")
            try await carol.roundTrip()
            #expect(!carol.lines.contains { $0.contains("PRIVMSG #ops :quiet") })
            try await carol.send("PART #ops")
            try await carol.send("JOIN #ops")
            try await carol.waitForLine { $0.contains(" 474 carol #ops ") }
        }
    }

    @Test func inviteNotifyMembersSeeTheInvitation() async throws {
        try await withTestServer { server in
            let carol = try await server.connect("carol")
            try await carol.send("CAP LS 302")
            try await carol.send("CAP REQ :invite-notify")
            try await carol.waitForLine { $0.contains("ACK") && $0.contains("invite-notify") }
            try await carol.send("CAP END")
            try await carol.register(nick: "carol")
            let (alice, bob) = try await server.login("alice", "bob")
            try await bob.send("JOIN #ops")
            try await bob.waitForLine { $0.contains(" 366 bob #ops ") }
            try await carol.send("JOIN #ops")
            try await bob.waitForLine(from: "carol", endingWith: "JOIN #ops")
            try await bob.send("INVITE alice #ops")
            try await alice.waitForLine(from: "bob", endingWith: "INVITE alice #ops")
            try await carol.waitForLine(from: "bob", endingWith: "INVITE alice #ops")
        }
    }

    @Test func whoWithAMaskListsMatchingNicksThenEnds() async throws {
        try await withTestServer { server in
            let (alice, _, _) = try await server.login("alice", "bob", "carol")
            try await alice.send("WHO *")
            for nick in ["alice", "bob", "carol"] {
                try await alice.waitForLine { $0.contains(" 352 alice * \(nick) ") }
            }
            try await alice.waitForLine { $0.contains(" 315 alice * ") }
            try await alice.send("WHO b*")
            let reply = try await alice.waitForLine { $0.contains(" 352 ") || $0.contains(" 315 ") }
            #expect(reply.contains(" 352 alice * bob "))
            try await alice.waitForLine { $0.contains(" 315 alice b* ") }
        }
    }
}
