@testable import ChatServer
@testable import HistoryStore
import Foundation
import Testing
import TestSupport

/// A multiline batch the disk refuses is answered once, with the batch's label, and
/// never echoed.
@Suite("Server: multiline, failing disk")
struct ServerMultilineDiskFailureTests {
    @Test func aRefusedBatchGetsOneLabeledFail() async throws {
        try await withTestServer(configure: ServerSlowDiskTests.noFlood) { server in
            let history = try #require(server.server.history)
            let alice = try await ServerHistoryTests.login(
                server, "alice", caps: "batch draft/multiline echo-message labeled-response"
            )
            let bob = try await server.login("bob")
            try await history.executeOnWriter("PRAGMA query_only = ON")
            try await alice.sendRaw(Array((
                "@label=ml BATCH +b draft/multiline #lobby\r\n"
                    + "@batch=b PRIVMSG #lobby :one\r\n"
                    + "@batch=b PRIVMSG #lobby :two\r\n"
                    + "BATCH -b\r\n"
            ).utf8))
            try await bob.waitForLine { $0.hasSuffix("PRIVMSG #lobby two") }
            let fail = try await alice.waitFor("FAIL")
            #expect(fail.hasPrefix("@label=ml "))
            #expect(fail.contains(" FAIL PRIVMSG MESSAGE_ERROR "))
            try await history.executeOnWriter("PRAGMA query_only = OFF")
            try await alice.roundTrip("after")
            #expect(!alice.lines.contains { $0.contains("PRIVMSG #lobby") })
            #expect(alice.lines.filter { $0.contains(" FAIL ") }.count == 1)
        }
    }
}
