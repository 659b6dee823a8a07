import ChatServer
import Foundation
import Testing
import TestSupport

/// REPORT over real TLS: the evidence rule against the real history log, the report
/// surviving a restart, and the audit lines in moderation.jsonl.
@Suite("Server: reports")
struct ServerReportTests {
    static func operators(_ configuration: inout ServerConfiguration) {
        configuration.operators = OperatorList([.nick("alice"): .admin])
    }

    /// The msgid tag of `line`.
    static func msgid(_ line: String) throws -> String {
        let tags = try #require(line.split(separator: " ").first)
        let tag = try #require(tags.dropFirst().split(separator: ";").first { $0.hasPrefix("msgid=") })
        return String(tag.dropFirst("msgid=".count))
    }

    @Test func aReportIsStoredWithItsEvidenceAndResolvedAfterARestart() async throws {
        let pki = try TestPKI()
        try await withTestServer(pki: pki, configure: Self.operators) { server in
            let alice = try await ServerHistoryTests.login(server, "alice", caps: "message-tags")
            let bob = try await ServerHistoryTests.login(server, "bob", caps: "message-tags echo-message")
            let carol = try await ServerHistoryTests.login(server, "carol", caps: "message-tags")
            try await alice.send("OPER alice")
            try await alice.waitFor("381")
            // Echoed once stored: a report made after it finds it in the log.
            try await bob.send("PRIVMSG carol :buy my stuff")
            try await bob.waitForLine { $0.hasSuffix("PRIVMSG carol :buy my stuff") }
            try await bob.send("PRIVMSG alice :for alice only")
            try await bob.waitForLine { $0.hasSuffix("PRIVMSG alice :for alice only") }
            let toCarol = try Self.msgid(try await carol.waitForLine { $0.hasSuffix("PRIVMSG carol :buy my stuff") })
            let toAlice = try Self.msgid(try await alice.waitForLine { $0.hasSuffix("PRIVMSG alice :for alice only") })

            try await carol.send("REPORT bob \(toAlice) :spam")
            let refused = try await carol.waitForLine { $0.contains("FAIL REPORT") }
            #expect(refused.hasPrefix(":test.securechat FAIL REPORT UNKNOWN_MESSAGE bob \(toAlice) :"))
            try await carol.send("REPORT bob \(toCarol) :spam")
            try await carol.waitForLine {
                $0.hasSuffix("NOTICE carol :*** Report 1 about bob was filed for the operators, with 1 message as evidence")
            }
            try await alice.waitForLine { $0.contains("NOTICE alice :*** New report: report 1 at ") && $0.contains("about bob: spam") }
        }
        try await withTestServer(pki: pki, configure: Self.operators) { server in
            let (alice, carol) = try await server.login("alice", "carol")
            try await alice.send("OPER alice")
            try await alice.waitForLine { $0.hasSuffix("NOTICE alice :*** 1 open report; REPORTS lists them") }
            try await alice.send("REPORTS 1")
            try await alice.waitForLine { $0.contains("msgid ") && $0.hasSuffix("carol <bob> buy my stuff") }
            try await alice.send("RESOLVE 1 :warned bob")
            try await carol.waitForLine {
                $0.hasSuffix("NOTICE carol :*** Your report 1 about bob was resolved by the operators: warned bob")
            }
            try await alice.send("REPORTS")
            try await alice.waitForLine { $0.hasSuffix("NOTICE alice :No open reports") }
        }
        let audit = pki.directory.appending(path: "logs/moderation.jsonl").path(percentEncoded: false)
        let lines = try String(contentsOfFile: audit, encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 2)
        #expect(lines.first?.contains(#""event":"report""#) == true)
        #expect(lines.first?.contains(#""reason":"spam""#) == true)
        #expect(lines.first?.contains("buy my stuff") == false, "the evidence's text only with audit_text")
        #expect(lines.last?.contains(#""event":"report_resolved""#) == true)
        let mode = try FileManager.default.attributesOfItem(atPath: audit)[.posixPermissions] as? Int
        #expect(mode == 0o640)
    }
}
