import Foundation
import HistoryStore
import IRC
import ServerTime

/// Reports to the server's operators: REPORT, REPORTS and RESOLVE.
///
/// Evidence rule: a report attaches only messages the reporter can read in the history
/// log, which is what the server delivered (or would deliver through CHATHISTORY) to
/// them: a channel's messages while the reporter is on it, and the private conversation
/// between the reporter and the reported nick. Reporting a nick attaches that nick's
/// messages there and in the reporter's channels; reporting a channel, the channel's.
/// With a msgid the evidence is that one message, and a msgid outside that scope is
/// refused with `FAIL REPORT UNKNOWN_MESSAGE`; without one, the latest
/// ``reportEvidenceLines`` lines of the last ``reportEvidenceWindow``. The log was
/// chosen over a ring of delivered lines per session so that delivery, the hot path,
/// does no work for reports. A message is in the log once its batch committed, a few
/// milliseconds after it went out.
///
/// A report is acknowledged (its id in a NOTICE) only once stored in the history log
/// with a copy of its evidence, so it survives a restart and the log's retention.
extension HubState {
    /// At most this many reports per account within ``reportRateWindow``.
    static let reportRateLimit = 5
    static let reportRateWindow: TimeInterval = 10 * 60
    /// Without a msgid: this many lines at most, from this far back.
    static let reportEvidenceLines = 10
    static let reportEvidenceWindow: TimeInterval = 15 * 60

    /// The reports left open at the last stop, read from the log at start.
    public mutating func setOpenReports(_ reports: [StoredReport]) {
        openReports = Dictionary(reports.map { ($0.id, $0) }, uniquingKeysWith: { _, last in last })
    }

    /// The ids of the reports not yet resolved, lowest first.
    public var openReportIDs: [Int64] { openReports.keys.sorted() }

    // MARK: - Commands

    /// REPORT <nick|#channel> [<msgid>] :<reason>
    ///
    /// Files a report for the operators with the evidence the rule above allows. 461
    /// without a reason, 401 or 403 for a nick or channel the server does not know,
    /// `FAIL REPORT RATE_LIMITED` past ``reportRateLimit`` attempts per account in
    /// ``reportRateWindow``, `FAIL REPORT UNKNOWN_MESSAGE` for a msgid the reporter was
    /// not sent. Every attempt that passes the target check counts toward the limit.
    mutating func report(_ command: HubCommandContext, into replies: inout HubResponseBuffer) {
        guard let (nick, account, owner) = sessions.read(command.session, { ($0.replyTarget, $0.account, $0.userID) }),
            let owner, let (reporterKey, reporterChannels) = users.read(owner, { ($0.key, $0.channels) })
        else { return }
        let params = command.params
        guard let reason = params.last, params.count >= 2, !reason.isEmpty else {
            replies.numeric(.ERR_NEEDMOREPARAMS, "REPORT", "Not enough parameters")
            return
        }
        guard configuration.hasHistoryLog else {
            replies.fail("REPORT", .reportsDisabled, "This server keeps no history log, where reports are stored")
            return
        }
        let target = params[0]
        let key = IRCCaseMapping.fold(target)
        let conversations: [HistoryConversation]
        let sender: String?
        if target.hasPrefix("#") {
            guard let channel = channels[key] else {
                replies.numeric(.ERR_NOSUCHCHANNEL, target, "No such channel")
                return
            }
            conversations = channel.contains(owner) ? [.channel(key)] : []
            sender = nil
        } else {
            guard IRCName.isValidNickname(target), nicks[key] != nil || knownNicks.contains(key) else {
                replies.numeric(.ERR_NOSUCHNICK, target, "No such nick/channel")
                return
            }
            conversations = [.direct(reporterKey, key)] + reporterChannels.map { .channel($0) }
            sender = key
        }
        let recent = recentReports[account, default: []].filter { command.now.timeIntervalSince($0) < Self.reportRateWindow }
        guard recent.count < Self.reportRateLimit else {
            recentReports[account] = recent
            let wait = Int((Self.reportRateWindow - command.now.timeIntervalSince(recent[0])).rounded(.up))
            replies.fail(
                "REPORT", .rateLimited, [target],
                "At most \(Self.reportRateLimit) reports per \(Int(Self.reportRateWindow / 60)) minutes; try again in \(wait) seconds"
            )
            return
        }
        recentReports[account] = recent + [command.now]
        var msgid: MessageID?
        if params.count >= 3 {
            guard let parsed = MessageID(params[1]) else {
                Self.unknownMessage(target, params[1], into: &replies)
                return
            }
            msgid = parsed
        }
        let time = Self.serverTime(command.now).millisecondsSinceEpoch
        let scope = EvidenceScope(
            conversations: conversations, senderKey: sender,
            since: time - Int64(Self.reportEvidenceWindow * 1000), limit: Self.reportEvidenceLines
        )
        let filing = ReportFiling(
            time: time, reporterNick: nick, reporterKey: reporterKey, reporterAccount: account, target: target,
            targetKey: key, reason: Self.truncated(reason, toBytes: 300), msgid: msgid, evidence: scope
        )
        replies.append(.fileReport(ReportRequest(session: command.session, filing: filing)))
    }

    /// REPORTS [<id>]
    ///
    /// Operators only (481). Without an id, one NOTICE per open report (id, time,
    /// reporter, target, reason, how many messages of evidence); with one, that report's
    /// evidence, a NOTICE per message.
    mutating func reports(_ command: HubCommandContext, into replies: inout HubResponseBuffer) {
        guard operators[command.session] != nil else {
            replies.numeric(.ERR_NOPRIVILEGES, "Permission Denied- You're not an IRC operator")
            return
        }
        if let parameter = command.params.first {
            guard let id = Int64(parameter), let report = openReports[id] else {
                replies.fail("REPORTS", .unknownReport, [parameter], "No open report has that id")
                return
            }
            replies.notice(Self.summary(report))
            for record in report.evidence {
                let event = record.event
                let text = event.kind == .notice ? "-\(event.senderNick)- \(event.text)" : "<\(event.senderNick)> \(event.text)"
                replies.notice(
                    Self.truncated("  \(ServerTimeFormat.format(event.time)) msgid \(record.id) \(event.target.display) \(text)", toBytes: 400)
                )
            }
            return
        }
        let open = openReportIDs.compactMap { openReports[$0] }
        for report in open { replies.notice(Self.summary(report)) }
        replies.notice(open.isEmpty ? "No open reports" : "\(Self.count(open.count)); REPORTS <id> shows the evidence, RESOLVE <id> :<note> closes one")
    }

    /// RESOLVE <id> :<note>
    ///
    /// Operators only (481): closes an open report (`FAIL RESOLVE UNKNOWN_REPORT` when no
    /// open report has the id). Once that is stored the operators and the reporter's
    /// online sessions are told; a reporter offline then is not told later.
    mutating func resolve(_ command: HubCommandContext, into replies: inout HubResponseBuffer) {
        guard let nick = sessions.read(command.session, { $0.replyTarget }) else { return }
        guard operators[command.session] != nil else {
            replies.numeric(.ERR_NOPRIVILEGES, "Permission Denied- You're not an IRC operator")
            return
        }
        guard let id = Int64(command.params[0]), openReports[id] != nil else {
            replies.fail("RESOLVE", .unknownReport, [command.params[0]], "No open report has that id; REPORTS lists them")
            return
        }
        let note = Self.truncated(command.params[1], toBytes: 300)
        replies.append(
            .resolveReport(ResolveRequest(session: command.session, id: id, resolver: nick, note: note, time: command.now)))
    }

    // MARK: - The store's answers

    /// The store's outcome for a REPORT: on success the reporter gets the id, the online
    /// operators a notice and the audit log a line; otherwise the reporter gets
    /// `FAIL REPORT UNKNOWN_MESSAGE` or `FAIL REPORT MESSAGE_ERROR`.
    public mutating func reportFiled(
        _ request: ReportRequest, result: Result<ReportFilingResult, HistoryStoreError>, now: Date
    ) -> [HubOutput] {
        let filing = request.filing
        let reporter = sessions.read(request.session) { $0.nick == filing.reporterNick ? $0.replyTarget : nil } ?? nil
        var replies = HubResponseBuffer(server: server, session: request.session, target: reporter ?? "*")
        func tell(_ body: (inout HubResponseBuffer) -> Void) {
            if reporter != nil { body(&replies) }
        }
        switch result {
        case .failure:
            tell {
                $0.fail("REPORT", .messageError, [filing.target], "Your report could not be stored; try again later")
            }
        case .success(.unknownMessage):
            tell { Self.unknownMessage(filing.target, filing.msgid?.description ?? "*", into: &$0) }
        case .success(.filed(let report)):
            openReports[report.id] = report
            tell {
                $0.notice("*** Report \(report.id) about \(report.target) was filed for the operators, "
                    + "with \(Self.messages(report.evidence.count)) as evidence")
            }
            notifyOperators("New report: \(Self.summary(report)); REPORTS \(report.id) shows the evidence", into: &replies)
            let record = ModerationAuditEvent.ReportRecord(
                id: report.id, account: report.reporterAccount, nick: report.reporterNick, target: report.target,
                reason: report.reason, msgid: report.msgid?.description, evidence: report.evidence.map(\.id.description),
                evidenceText: configuration.auditText ? report.evidence.map(\.event.text) : nil
            )
            replies.append(.audit(ModerationAuditEvent(time: now, kind: .report(record))))
        }
        return replies.outputs
    }

    /// The store's outcome for a RESOLVE: on success the operators and the reporter's
    /// online sessions are told and the audit log gets a line.
    public mutating func reportResolved(
        _ request: ResolveRequest, result: Result<StoredReport?, HistoryStoreError>, now: Date
    ) -> [HubOutput] {
        let (target, account) = sessions.read(request.session) { ($0.replyTarget, $0.account) } ?? ("*", "*")
        var replies = HubResponseBuffer(server: server, session: request.session, target: target)
        switch result {
        case .failure:
            replies.fail("RESOLVE", .messageError, [String(request.id)], "The resolution could not be stored; try again later")
        case .success(nil):
            openReports[request.id] = nil
            replies.fail("RESOLVE", .unknownReport, [String(request.id)], "No open report has that id; REPORTS lists them")
        case .success(let report?):
            openReports[report.id] = nil
            notifyOperators("Report \(report.id) about \(report.target) was resolved by \(request.resolver): \(request.note)", into: &replies)
            if let user = user(named: report.reporterKey), let (nick, own) = users.read(user, { ($0.nick, $0.sessions) }) {
                let text = "*** Your report \(report.id) about \(report.target) was resolved by the operators: \(request.note)"
                replies.send(IRCMessage(source: server, command: "NOTICE", params: [nick, text]), to: own)
            }
            let record = ModerationAuditEvent.ResolutionRecord(
                id: report.id, account: account, nick: request.resolver, reporter: report.reporterNick,
                target: report.target, note: request.note
            )
            replies.append(.audit(ModerationAuditEvent(time: now, kind: .resolution(record))))
        }
        return replies.outputs
    }

    // MARK: - Shared

    /// Tells a new operator how many reports wait for one: `*** 3 open reports; REPORTS
    /// lists them`. Nothing when none do.
    func tellOpenReports(into replies: inout HubResponseBuffer) {
        guard !openReports.isEmpty else { return }
        replies.notice("*** \(Self.count(openReports.count)); REPORTS lists them")
    }

    private static func unknownMessage(_ target: String, _ msgid: String, into replies: inout HubResponseBuffer) {
        replies.fail(
            "REPORT", .unknownMessage, [target, msgid],
            "That message was not sent to you; report it with a msgid you received, or without one"
        )
    }

    /// `report 3 at <time> by alice (account alice) about bob: <reason> (2 messages)`.
    private static func summary(_ report: StoredReport) -> String {
        truncated(
            "report \(report.id) at \(ServerTimeFormat.format(report.time)) by \(report.reporterNick) "
                + "(account \(report.reporterAccount)) about \(report.target): \(report.reason) "
                + "(\(messages(report.evidence.count)))",
            toBytes: 390
        )
    }

    private static func count(_ open: Int) -> String {
        open == 1 ? "1 open report" : "\(open) open reports"
    }

    private static func messages(_ count: Int) -> String {
        count == 1 ? "1 message" : "\(count) messages"
    }
}
