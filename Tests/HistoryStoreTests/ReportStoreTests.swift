import Foundation
import Testing

@testable import HistoryStore

/// Reports kept in the history file: evidence copied within the reporter's scope, a msgid
/// outside it refused, resolution once, and open reports found again after reopening.
@Suite("Reports")
struct ReportStoreTests {
    /// alice reports bob; what she may read is her conversation with bob and #ops.
    static func filing(msgid: MessageID? = nil, since: Int64 = baseTime, limit: Int = 10) -> ReportFiling {
        ReportFiling(
            time: baseTime + 1_000, reporterNick: "alice", reporterKey: "alice", reporterAccount: "alice", target: "Bob",
            targetKey: "bob", reason: "spam", msgid: msgid,
            evidence: EvidenceScope(
                conversations: [.direct("alice", "bob"), .channel("#ops")], senderKey: "bob", since: since, limit: limit)
        )
    }

    @Test func evidenceIsTheTargetsLatestLinesInTheReportersScope() async throws {
        try await withStore { store, _, _ async throws in
            store.append(privateMessage("too old", from: "bob", to: "alice", at: baseTime - 1))
            store.append(privateMessage("one", from: "bob", to: "alice", at: baseTime + 1))
            store.append(privateMessage("mine", from: "alice", to: "bob", at: baseTime + 2))
            store.append(channelMessage("two", from: "bob", to: "#ops", at: baseTime + 3))
            store.append(channelMessage("elsewhere", from: "bob", to: "#secret", at: baseTime + 4))
            store.append(privateMessage("to carol", from: "bob", to: "carol", at: baseTime + 5))
            store.append(privateMessage("three", from: "bob", to: "alice", at: baseTime + 6))
            await store.flush()
            guard case .filed(let report) = try await store.fileReport(Self.filing(limit: 2)) else {
                Issue.record("the report was not filed")
                return
            }
            #expect(texts(report.evidence) == ["two", "three"], "the latest two, oldest first")
            guard case .filed(let all) = try await store.fileReport(Self.filing()) else { return }
            #expect(texts(all.evidence) == ["one", "two", "three"])
            #expect(all.id > report.id)
        }
    }

    @Test func aMsgidOutsideTheScopeIsRefusedAndNothingIsStored() async throws {
        try await withStore { store, _, _ async throws in
            let hidden = store.append(privateMessage("to carol", from: "bob", to: "carol"))
            let mine = store.append(privateMessage("mine", from: "alice", to: "bob"))
            let seen = store.append(channelMessage("seen", from: "bob", to: "#ops"))
            await store.flush()
            #expect(try await store.fileReport(Self.filing(msgid: hidden.id)) == .unknownMessage)
            #expect(try await store.fileReport(Self.filing(msgid: mine.id)) == .unknownMessage, "not the target's message")
            #expect(try store.openReports().isEmpty)
            guard case .filed(let report) = try await store.fileReport(Self.filing(msgid: seen.id)) else {
                Issue.record("the report was not filed")
                return
            }
            #expect(report.evidence == [seen])
            #expect(report.msgid == seen.id)
        }
    }

    @Test func openReportsOutliveTheStoreAndResolveOnce() async throws {
        try await withTemporaryDirectory { directory in
            let (store, _) = try openStore(in: directory)
            let message = store.append(privateMessage("abuse", from: "bob", to: "alice", at: baseTime + 1))
            await store.flush()
            guard case .filed(let first) = try await store.fileReport(Self.filing()),
                case .filed(let second) = try await store.fileReport(Self.filing(msgid: message.id))
            else {
                Issue.record("the reports were not filed")
                await store.close()
                return
            }
            await store.close()

            let (reopened, _) = try openStore(in: directory)
            #expect(try reopened.openReports() == [first, second])
            let resolved = try await reopened.resolveReport(first.id, by: "oper", note: "warned", time: baseTime + 2)
            #expect(resolved == first)
            #expect(try await reopened.resolveReport(first.id, by: "oper", note: "again", time: baseTime + 3) == nil)
            #expect(try await reopened.resolveReport(999, by: "oper", note: "none", time: baseTime + 3) == nil)
            #expect(try reopened.openReports() == [second])
            await reopened.close()
        }
    }
}
