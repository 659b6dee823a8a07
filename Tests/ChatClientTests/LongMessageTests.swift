import ChatClient
import Foundation
import TestSupport
import Testing

/// Text longer than one IRC line, end to end: cut between words, every character arrives.
@Suite struct LongMessageTests {
    static let long = (1...400).map { "wörd\($0)" }.joined(separator: " ") + " 日本語👩‍💻"

    @Test func aLongMessageArrivesWholeInSeveralMessagesAndSaysSo() async throws {
        try await withTestServer { server in
            let bob = try await ChatConnection.connect(try server.clientConfiguration("bob"))
            let events = EventCollector(bob.events)
            let alice = try await ChatConnection.connect(try server.clientConfiguration("alice"))
            let report = try await alice.deliver(Self.long, to: "bob")
            #expect(report.messages > 3)
            #expect(report.notice?.contains("sent as \(report.messages) messages") == true)
            try await events.waitFor("every piece") { _ in
                events.messages.filter { $0.from == "alice" }.count == report.messages
            }
            #expect(events.messages.filter { $0.from == "alice" }.map(\.text).joined() == Self.long)
            #expect(!events.events.contains { if case .serverError = $0 { return true }; return false })
            await alice.quit()
            await bob.quit()
        }
    }
}

extension SecureChatCommandTests {
    @Test func sendCutsALongLineAndExitsZeroOnceEveryPieceWasAccepted() async throws {
        try await withTestServer { server in
            let bob = try await ChatConnection.connect(try server.clientConfiguration("bob"))
            let events = EventCollector(bob.events)
            let result = try await Self.securechat(
                ["send", "--to", "bob"] + Self.flags(server, "alice") + [LongMessageTests.long], home: home)
            #expect(result.status == 0, "stderr: \(result.stderr)")
            #expect(result.stderr.contains("cut between words"))
            try await events.waitFor("the last piece") { event in
                if case .message(let message) = event { return message.text.hasSuffix("日本語👩‍💻") }
                return false
            }
            #expect(events.messages.map(\.text).joined() == LongMessageTests.long)
            await bob.quit()
        }
    }
}
