import ChatServer
import Foundation
import HistoryStore
import Testing
import TestSupport

/// labeled-response and draft/multiline over real TLS, with the history log on.
@Suite("Server: IRCv3 labeled responses and multiline")
struct ServerIRCv3Tests {
    @Test func labeledCommandsGetTheirLabelBack() async throws {
        try await withTestServer { server in
            let alice = try await ServerHistoryTests.login(server, "alice", caps: "labeled-response batch echo-message")
            try await alice.waitFor("366")
            try await alice.send("@label=p1 PING :tok")
            let pong = try await alice.waitForLine { $0.hasPrefix("@label=p1 ") }
            #expect(pong.hasSuffix("PONG test.securechat tok"))
            try await alice.send("@label=m1 PRIVMSG #lobby :labeled")
            let echo = try await alice.waitForLine { $0.contains("label=m1") }
            #expect(echo.hasSuffix("PRIVMSG #lobby labeled"))
            try await alice.send("@label=w1 WHOIS nobody")
            let opening = try await alice.waitForLine { $0.contains("label=w1") }
            #expect(opening.hasSuffix(" labeled-response"))
            let reference = try #require(opening.split(separator: " ").first { $0.hasPrefix("+") }?.dropFirst())
            try await alice.waitForLine { $0.hasSuffix("BATCH -\(reference)") }
            #expect(alice.lines.filter { $0.hasPrefix("@batch=\(reference) ") }.count == 2)
            try await alice.send("@label=a1 PONG :x")
            try await alice.waitForLine { $0 == "@label=a1 :test.securechat ACK" }
        }
    }

    @Test func aMultilineBatchArrivesWholeOrAsLinesAndIsStoredLineByLine() async throws {
        let pki = try TestPKI()
        let data = pki.directory.appending(path: "data")
        try await withTestServer(pki: pki) { server in
            let alice = try await ServerHistoryTests.login(
                server, "alice", caps: "batch draft/multiline echo-message labeled-response message-tags"
            )
            let bob = try await ServerHistoryTests.login(server, "bob", caps: "batch draft/multiline message-tags")
            let carol = try await server.login("carol")
            try await alice.waitForLine { $0.contains("carol!") && $0.hasSuffix("JOIN #lobby") }
            try await alice.sendRaw(Array((
                "@label=ml BATCH +b1 draft/multiline #lobby\r\n"
                    + "@batch=b1 PRIVMSG #lobby :first line\r\n"
                    + "@batch=b1;draft/multiline-concat PRIVMSG #lobby :, continued\r\n"
                    + "@batch=b1 PRIVMSG #lobby :second line\r\n"
                    + "BATCH -b1\r\n"
            ).utf8))
            let opening = try await bob.waitForLine { $0.contains("BATCH +") && $0.contains("draft/multiline #lobby") }
            #expect(opening.contains("msgid="))
            try await bob.waitForLine { $0.contains("BATCH -") }
            #expect(bob.lines.filter { $0.hasPrefix("@batch=") && $0.contains("PRIVMSG #lobby") }.count == 3)
            try await carol.waitForLine { $0.hasSuffix("PRIVMSG #lobby :second line") }
            #expect(carol.lines.filter { $0.contains("PRIVMSG #lobby") }.count == 3)
            let echo = try await alice.waitForLine { $0.contains("label=ml") }
            #expect(echo.contains("BATCH +") && echo.hasSuffix("draft/multiline #lobby"))
            let echoReference = try #require(echo.split(separator: " ").first { $0.hasPrefix("+") }?.dropFirst())
            try await alice.waitForLine { $0.hasSuffix("BATCH -\(echoReference)") }
            #expect(alice.lines.filter { $0.hasPrefix("@batch=\(echoReference)") && $0.contains("PRIVMSG #lobby") }.count == 3)

            try await alice.send("BATCH +b2 draft/multiline #lobby")
            try await alice.send("@batch=b2 PRIVMSG #elsewhere :wrong")
            let fail = try await alice.waitFor("FAIL")
            #expect(fail.contains("FAIL BATCH MULTILINE_INVALID_TARGET #lobby #elsewhere"))
            try await alice.send("BATCH -b2")
            try await alice.roundTrip("after-fail")
        }
        let store = try HistoryStore(configuration: HistoryStoreConfiguration(directory: data)) { _ in }
        let stored = try await store.messages(in: .channel("#lobby"), .latest(after: nil), limit: 10)
        await store.close()
        #expect(stored.map(\.event.text) == ["first line", ", continued", "second line"])
    }
}
