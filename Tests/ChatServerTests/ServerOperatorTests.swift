import ChatServer
import Foundation
import Testing
import TestSupport

/// OPER and KILL over real TLS, with operators listed as server.toml's `[operators]` does.
@Suite("Server: operators")
struct ServerOperatorTests {
    @Test func listedCertificateOpersAndKillsEverySessionOfANick() async throws {
        try await withTestServer(configure: { $0.operators = OperatorList([.nick("alice"): .admin]) }) { server in
            let (alice, bob, carol) = try await server.login("alice", "bob", "carol")
            let phone = try await server.login("bob")
            try await bob.send("OPER bob")
            try await bob.waitFor("491")
            try await bob.send("KILL carol :no")
            try await bob.waitFor("481")
            try await alice.send("OPER alice secret")
            try await alice.waitFor("381")
            try await alice.waitForLine { $0 == ":test.securechat MODE alice +o" }
            try await alice.send("KILL nobody :x")
            try await alice.waitFor("401")
            try await alice.send("KILL bob :spamming")
            for session in [bob, phone] {
                try await session.waitForLine(from: "alice", endingWith: "KILL bob spamming")
                try await session.waitForClose()
                #expect(session.lines.last == "ERROR :Closing link: Killed (alice (spamming))")
            }
            try await carol.waitForLine(from: "bob", endingWith: "QUIT :Killed (alice (spamming))")
            try await alice.waitForLine { $0.contains("NOTICE alice :*** alice killed bob (2 sessions): spamming") }
            try await carol.roundTrip("c1")
            #expect(carol.lines.filter { $0.contains(" QUIT ") }.count == 1)
            #expect(server.log.contains("alice killed bob"))
        }
    }

    @Test func sighupRereadsOperatorsAndTakesModeOFromTheDropped() async throws {
        let pki = try TestPKI()
        let file = pki.directory.appending(path: "server.toml")
        try Data("[operators]\nalice = \"moderator\"\n".utf8).write(to: file)
        let path = file.path(percentEncoded: false)
        let operators = try ServerConfiguration.load(tomlAt: path).operators
        try await withTestServer(pki: pki, configure: { $0.operators = operators; $0.configurationFile = path }) { server in
            let alice = try await server.login("alice")
            try await alice.send("OPER alice")
            try await alice.waitForLine { $0.contains(" 381 alice :You are now an IRC operator (moderator)") }
            try Data("[operators]\nbob = \"admin\"\n".utf8).write(to: file)
            server.server.reload()
            try await alice.waitForLine { $0 == ":test.securechat MODE alice -o" }
            try await alice.send("KILL alice :x")
            try await alice.waitFor("481")
        }
    }

    @Test func operatorsHearOfSessionsAnAllowlistReloadCloses() async throws {
        try await withTestServer(configure: { $0.operators = OperatorList([.nick("alice"): .moderator]) }) { server in
            let (alice, bob, carol) = try await server.login("alice", "bob", "carol")
            try await alice.send("OPER alice")
            try await alice.waitFor("381")
            try server.allowlist.write(["alice", "carol"])
            server.server.reload()
            try await bob.waitForClose()
            try await alice.waitForLine {
                $0.hasSuffix("NOTICE alice :*** Allowlist reloaded: closed 1 session no longer allowed: bob")
            }
            try await carol.roundTrip("c1")
            #expect(!carol.lines.contains { $0.contains("Allowlist reloaded") })
        }
    }
}
