import ChatServer
import Foundation
import HistoryStore
import IRC
import Testing

/// REPORT, REPORTS and RESOLVE: the evidence each report may carry, the rate limit, who may
/// list and close reports, and what operators and reporters are told.
@Suite struct HubReportTests {
    /// A harness whose server.toml lists alice as an admin.
    static func harness(_ configuration: HubConfiguration = HubConfiguration(created: HubHarness.epoch)) -> HubHarness {
        var harness = HubHarness(configuration)
        _ = harness.hub.setOperators(OperatorList([.nick("alice"): .admin]))
        return harness
    }

    /// A stored report of `filing` with one message of evidence.
    static func stored(_ filing: ReportFiling, id: Int64) -> StoredReport {
        let event = HistoryEvent(
            time: filing.time - 1_000, kind: .privmsg, source: "bob!bob@192.0.2.1", senderKey: "bob", account: "bob",
            target: .user(key: filing.reporterKey, display: filing.reporterNick), text: "buy my stuff", clientTags: ""
        )
        return StoredReport(
            id: id, time: filing.time, reporterNick: filing.reporterNick, reporterKey: filing.reporterKey,
            reporterAccount: filing.reporterAccount, target: filing.target, reason: filing.reason, msgid: filing.msgid,
            evidence: [HistoryRecord(id: MessageID(epoch: 1, counter: 7), event: event)]
        )
    }

    /// alice (listed, not yet an operator), carol and bob, registered in that order; carol
    /// has just reported bob for spam, and the hub handed the store `request`.
    static func carolReportsBob() throws -> (HubHarness, alice: SessionID, carol: SessionID, request: ReportRequest) {
        var harness = Self.harness()
        let (alice, carol, _) = harness.register("alice", "carol", "bob")
        harness.send("REPORT bob :spam", from: carol)
        return (harness, alice, carol, try #require(harness.reportRequests.last))
    }

    @Test(arguments: [
        ("REPORT bob", ":securechat.local 461 carol REPORT :Not enough parameters"),
        ("REPORT bob :", ":securechat.local 461 carol REPORT :Not enough parameters"),
        ("REPORT nobody :spam", ":securechat.local 401 carol nobody :No such nick/channel"),
        ("REPORT #nowhere :spam", ":securechat.local 403 carol #nowhere :No such channel"),
    ])
    func aReportWithoutAReasonOrAKnownTargetIsRefused(line: String, reply: String) {
        var harness = Self.harness()
        let carol = harness.register("carol")
        #expect(harness.replies(to: line, from: carol) == [reply])
        #expect(harness.reportRequests.isEmpty)
    }

    @Test func reportingANickTakesItsLinesWhereTheReporterReadsThem() throws {
        var harness = Self.harness()
        let (carol, bob) = harness.register("carol", "Bob")
        harness.channel("#ops", members: [carol, bob])
        harness.send("REPORT bob :spam", from: carol)
        let filing = try #require(harness.reportRequests.last).filing
        #expect(filing.target == "bob")
        #expect(filing.reporterAccount == "carol")
        #expect(filing.msgid == nil)
        #expect(filing.evidence.conversations == [.direct("carol", "bob"), .channel("#lobby"), .channel("#ops")])
        #expect(filing.evidence.senderKey == "bob")
        #expect(filing.evidence.limit == 10)
        let now = Int64(harness.now.timeIntervalSince1970 * 1000)
        #expect(filing.time == now)
        #expect(filing.evidence.since == now - 15 * 60 * 1000)
        #expect(harness.take(carol).isEmpty, "nothing is acknowledged before the report is stored")
    }

    @Test func reportingAChannelTakesItsLinesOnlyForAMember() throws {
        var harness = Self.harness()
        let (carol, bob) = harness.register("carol", "bob")
        harness.channel("#ops", members: [bob])
        let msgid = MessageID(epoch: 1, counter: 42).description
        harness.send("REPORT #ops \(msgid) :spam", from: carol)
        let outside = try #require(harness.reportRequests.last).filing
        #expect(outside.evidence.conversations.isEmpty, "carol is not on #ops: nothing of it was sent to her")
        #expect(outside.msgid?.description == msgid)
        harness.send("JOIN #ops", from: carol)
        harness.send("REPORT #OPS :spam", from: carol)
        let inside = try #require(harness.reportRequests.last).filing
        #expect(inside.evidence.conversations == [.channel("#ops")])
        #expect(inside.evidence.senderKey == nil)
    }

    @Test func aMsgidNotDeliveredToTheReporterFailsUnknownMessage() throws {
        var harness = Self.harness()
        let (carol, _) = harness.register("carol", "bob")
        #expect(harness.replies(to: "REPORT bob not-a-msgid :spam", from: carol) == [
            ":securechat.local FAIL REPORT UNKNOWN_MESSAGE bob not-a-msgid :That message was not sent to you; report it with a msgid you received, or without one"
        ])
        let msgid = MessageID(epoch: 1, counter: 42).description
        harness.send("REPORT bob \(msgid) :spam", from: carol)
        let request = try #require(harness.reportRequests.last)
        harness.reportFiled(request, .success(.unknownMessage))
        #expect(harness.take(carol) == [
            ":securechat.local FAIL REPORT UNKNOWN_MESSAGE bob \(msgid) :That message was not sent to you; report it with a msgid you received, or without one"
        ])
        #expect(harness.audits.isEmpty)
        #expect(harness.hub.openReportIDs.isEmpty)
    }

    @Test func aStoredReportIsAcknowledgedToldToOperatorsAndAudited() throws {
        var harness = Self.harness()
        let (alice, carol, _) = harness.register("alice", "carol", "bob")
        harness.prepare("OPER alice", from: alice)
        harness.send("REPORT bob :spam", from: carol)
        let request = try #require(harness.reportRequests.last)
        harness.reportFiled(request, .success(.filed(Self.stored(request.filing, id: 3))))
        #expect(harness.take(carol) == [
            ":securechat.local NOTICE carol :*** Report 3 about bob was filed for the operators, with 1 message as evidence"
        ])
        let summary = "report 3 at 2023-11-14T22:13:20.000Z by carol (account carol) about bob: spam (1 message)"
        #expect(harness.take(alice) == [
            ":securechat.local NOTICE alice :*** New report: \(summary); REPORTS 3 shows the evidence"
        ])
        let audit = try #require(harness.audits.last)
        guard case .report(let record) = audit.kind else {
            Issue.record("not a report: \(audit)")
            return
        }
        #expect(record.id == 3 && record.account == "carol" && record.reason == "spam")
        #expect(record.evidence == [MessageID(epoch: 1, counter: 7).description])
        #expect(record.evidenceText == nil, "the text only with audit_text")

        #expect(harness.replies(to: "REPORTS", "REPORTS 3", from: alice) == [
            ":securechat.local NOTICE alice :\(summary)",
            ":securechat.local NOTICE alice :1 open report; REPORTS <id> shows the evidence, RESOLVE <id> :<note> closes one",
            ":securechat.local NOTICE alice :\(summary)",
            ":securechat.local NOTICE alice :  2023-11-14T22:13:19.000Z msgid \(MessageID(epoch: 1, counter: 7)) carol <bob> buy my stuff",
        ])
    }

    @Test func aFailedStoreIsNoReport() throws {
        var (harness, _, carol, request) = try Self.carolReportsBob()
        harness.reportFiled(request, .failure(HistoryStoreError(.diskFull, "history.sqlite: the disk is full")))
        #expect(harness.take(carol) == [
            ":securechat.local FAIL REPORT MESSAGE_ERROR bob :Your report could not be stored; try again later"
        ])
        #expect(harness.hub.openReportIDs.isEmpty)
    }

    @Test func theSixthReportInTenMinutesIsRateLimited() {
        var harness = Self.harness()
        // Two sessions of one account share its budget.
        let (carol, phone, _) = (harness.register("carol"), harness.register("carol"), harness.register("bob"))
        for index in 0..<5 {
            harness.now = HubHarness.epoch.addingTimeInterval(Double(index) * 60)
            harness.send("REPORT bob :spam \(index)", from: index.isMultiple(of: 2) ? carol : phone)
        }
        #expect(harness.reportRequests.count == 5)
        harness.now = HubHarness.epoch.addingTimeInterval(9 * 60)
        harness.send("REPORT bob :once more", from: carol)
        #expect(harness.reportRequests.count == 5)
        #expect(harness.take(carol).last == 
            ":securechat.local FAIL REPORT RATE_LIMITED bob :At most 5 reports per 10 minutes; try again in 60 seconds")
        harness.now = HubHarness.epoch.addingTimeInterval(10 * 60)
        harness.send("REPORT bob :the first has aged out", from: carol)
        #expect(harness.reportRequests.count == 6)
    }

    @Test func reportsAndResolveAreForOperators() {
        var harness = Self.harness()
        let (alice, carol) = harness.register("alice", "carol")
        #expect(harness.replies(to: "REPORTS", "RESOLVE 1 :done", from: carol) == [
            ":securechat.local 481 carol :Permission Denied- You're not an IRC operator",
            ":securechat.local 481 carol :Permission Denied- You're not an IRC operator",
        ])
        harness.prepare("OPER alice", from: alice)
        #expect(harness.replies(to: "REPORTS", "RESOLVE 1 :done", "RESOLVE x :done", from: alice) == [
            ":securechat.local NOTICE alice :No open reports",
            ":securechat.local FAIL RESOLVE UNKNOWN_REPORT 1 :No open report has that id; REPORTS lists them",
            ":securechat.local FAIL RESOLVE UNKNOWN_REPORT x :No open report has that id; REPORTS lists them",
        ])
        #expect(harness.resolveRequests.isEmpty)
    }

    @Test func resolvingTellsTheOperatorsAndTheReporter() throws {
        var (harness, alice, carol, filed) = try Self.carolReportsBob()
        let report = Self.stored(filed.filing, id: 5)
        harness.hub.setOpenReports([report])
        harness.prepare("OPER alice", from: alice)
        harness.send("RESOLVE 5 :warned bob", from: alice)
        let request = try #require(harness.resolveRequests.last)
        #expect(request.id == 5 && request.resolver == "alice" && request.note == "warned bob")
        #expect(harness.take(carol).isEmpty, "nothing before the resolution is stored")
        harness.reportResolved(request, .success(report))
        #expect(harness.take(alice) == [
            ":securechat.local NOTICE alice :*** Report 5 about bob was resolved by alice: warned bob"
        ])
        #expect(harness.take(carol) == [
            ":securechat.local NOTICE carol :*** Your report 5 about bob was resolved by the operators: warned bob"
        ])
        guard case .resolution(let record) = harness.audits.last?.kind else {
            Issue.record("no resolution audited")
            return
        }
        #expect(record.id == 5 && record.nick == "alice" && record.reporter == "carol" && record.note == "warned bob")
        #expect(harness.hub.openReportIDs.isEmpty)
        // Resolved meanwhile by another operator: the store finds no open report.
        harness.hub.setOpenReports([report])
        harness.send("RESOLVE 5 :again", from: alice)
        harness.reportResolved(try #require(harness.resolveRequests.last), .success(nil))
        #expect(harness.take(alice).last == 
            ":securechat.local FAIL RESOLVE UNKNOWN_REPORT 5 :No open report has that id; REPORTS lists them")
    }

    @Test func aNewOperatorIsToldHowManyReportsAreOpen() throws {
        var harness = Self.harness()
        let (alice, carol, _) = harness.register("alice", "carol", "bob")
        harness.send("REPORT bob :spam", "REPORT bob :more spam", from: carol)
        let filings = harness.reportRequests.map(\.filing)
        harness.hub.setOpenReports([Self.stored(filings[0], id: 1), Self.stored(filings[1], id: 2)])
        #expect(harness.replies(to: "OPER alice", from: alice) == [
            ":securechat.local 381 alice :You are now an IRC operator (admin)",
            ":securechat.local MODE alice +o",
            ":securechat.local NOTICE alice :*** 2 open reports; REPORTS lists them",
            ":securechat.local NOTICE alice :*** alice is now an operator (admin) as alice",
        ])
    }

    @Test func withoutAHistoryLogReportsAreRefused() {
        var configuration = HubConfiguration(created: HubHarness.epoch)
        configuration.hasHistoryLog = false
        var harness = Self.harness(configuration)
        let (carol, _) = harness.register("carol", "bob")
        #expect(harness.replies(to: "REPORT bob :spam", from: carol) == [
            ":securechat.local FAIL REPORT REPORTS_DISABLED :This server keeps no history log, where reports are stored"
        ])
    }
}
