import ChatClient
import Foundation
import TestSupport
import Testing

/// Text longer than one IRC line, end to end, to a server that offers draft/multiline
/// (max-bytes 4096): one batch when it fits, several batches cut between words when it does
/// not; every character arrives. Cutting into plain PRIVMSGs, for servers without the
/// capability, is OutgoingPlannerTests' (`multiline: nil`).
@Suite struct LongMessageTests {
    /// About 3.6 KB: more than one IRC line, less than one batch.
    static let long = (1...400).map { "wörd\($0)" }.joined(separator: " ") + " 日本語👩‍💻"
    /// About 11 KB: more than one batch.
    static let veryLong = (1...1200).map { "wörd\($0)" }.joined(separator: " ") + " 日本語👩‍💻"

    /// Alice delivers `text` to bob on a fresh server; `check` gets what `deliver` reported and
    /// bob's events.
    private static func aliceDeliversToBob(
        _ text: String, _ check: (SendReport, EventCollector) async throws -> Void
    ) async throws {
        try await withTestServer { server in
            let bob = try await ChatConnection.connect(try server.clientConfiguration("bob"))
            let events = EventCollector(bob.events)
            let alice = try await ChatConnection.connect(try server.clientConfiguration("alice"))
            try await check(try await alice.deliver(text, to: "bob"), events)
            await alice.quit()
            await bob.quit()
        }
    }

    @Test func aLongMessageArrivesWholeAsOneMultilineBatch() async throws {
        try await Self.aliceDeliversToBob(Self.long) { report, events in
            #expect(report.messages == 1 && report.batches == 1)
            #expect(report.notice == nil)
            try await events.waitFor("the message") { _ in events.messages.contains { $0.from == "alice" } }
            #expect(events.messages.filter { $0.from == "alice" }.map(\.text) == [Self.long])
        }
    }

    @Test func aMessageLongerThanABatchArrivesWholeInSeveralAndSaysSo() async throws {
        try await Self.aliceDeliversToBob(Self.veryLong) { report, events in
            #expect(report.messages > 2 && report.batches == report.messages)
            #expect(report.notice?.contains("sent as \(report.messages) messages") == true)
            try await events.waitFor("every piece") { _ in
                events.messages.filter { $0.from == "alice" }.count == report.messages
            }
            #expect(events.messages.filter { $0.from == "alice" }.map(\.text).joined() == Self.veryLong)
            #expect(!events.events.contains { if case .serverError = $0 { return true }; return false })
        }
    }
}

extension SecureChatCommandTests {
    @Test func sendCutsAVeryLongLineAndExitsZeroOnceEveryPieceWasAccepted() async throws {
        try await withTestServer { server in
            let bob = try await ChatConnection.connect(try server.clientConfiguration("bob"))
            let events = EventCollector(bob.events)
            let result = try await Self.securechat(
                ["send", "--to", "bob"] + Self.flags(server, "alice") + [LongMessageTests.veryLong], home: home)
            #expect(result.status == 0, "stderr: \(result.stderr)")
            #expect(result.stderr.contains("too long for one message"))
            try await events.waitFor("the last piece") { event in
                if case .message(let message) = event { return message.text.hasSuffix("日本語👩‍💻") }
                return false
            }
            #expect(events.messages.map(\.text).joined() == LongMessageTests.veryLong)
            await bob.quit()
        }
    }
}
