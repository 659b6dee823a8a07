import Foundation
import Moderation
import ServerTime

/// One line of the moderation audit log (`moderation.jsonl`), as the hub decided it; the
/// transport writes it off the hub's loop (``ModerationAuditLog``).
///
/// What each kind holds is what SECURITY.md promises: a filter match names the rule, the
/// action, the sender's account and nick, the target, the msgid and the matched token —
/// the message's text only when `[moderation] audit_text = true`. A report names its id,
/// the reporter's account and nick, the target, the reason and the evidence's msgids (the
/// evidence's text only with `audit_text`); a resolution its id, the operator and the note.
public struct ModerationAuditEvent: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        /// A rule matched a message (or a topic, part or quit reason).
        case filterMatch(FilterMatchRecord)
        /// The filter file was loaded or reloaded (`rules`), or refused (`error`).
        case filterReload(path: String, rules: Int?, error: String?)
        /// A user reported a nick or a channel (REPORT).
        case report(ReportRecord)
        /// An operator closed a report (RESOLVE).
        case resolution(ResolutionRecord)
    }

    /// A report, as audited.
    public struct ReportRecord: Sendable, Equatable {
        public var id: Int64
        public var account: String
        public var nick: String
        public var target: String
        public var reason: String
        /// The msgid the reporter named, if any.
        public var msgid: String?
        /// The msgids of the evidence attached, oldest first.
        public var evidence: [String]
        /// The evidence's text, only with `audit_text = true`.
        public var evidenceText: [String]?
    }

    /// A report's resolution, as audited.
    public struct ResolutionRecord: Sendable, Equatable {
        public var id: Int64
        /// The operator's account and nick.
        public var account: String
        public var nick: String
        public var reporter: String
        public var target: String
        public var note: String
    }

    /// A rule's match, as audited.
    public struct FilterMatchRecord: Sendable, Equatable {
        public var rule: String
        public var action: FilterAction
        public var scope: FilterScope
        public var account: String
        public var nick: String
        public var target: String
        /// The delivered message's msgid; nil when nothing was delivered.
        public var msgid: String?
        public var token: String
        /// Only with `audit_text = true`.
        public var text: String?
    }

    public let time: Date
    public let kind: Kind

    public init(time: Date, kind: Kind) {
        self.time = time
        self.kind = kind
    }

    /// The event as one JSON object, keys sorted, without a line end.
    public var jsonLine: String {
        var object: [String: Any] = ["time": Self.timestamp(time)]
        switch kind {
        case .filterMatch(let match):
            object["event"] = "filter_match"
            object["rule"] = match.rule
            object["action"] = match.action.rawValue
            object["scope"] = match.scope.rawValue
            object["account"] = match.account
            object["nick"] = match.nick
            object["target"] = match.target
            object["token"] = match.token
            if let msgid = match.msgid { object["msgid"] = msgid }
            if let text = match.text { object["text"] = text }
        case .filterReload(let path, let rules, let error):
            object["event"] = error == nil ? "filter_loaded" : "filter_refused"
            object["path"] = path
            if let rules { object["rules"] = rules }
            if let error { object["error"] = error }
        case .report(let report):
            object["event"] = "report"
            object["id"] = report.id
            object["account"] = report.account
            object["nick"] = report.nick
            object["target"] = report.target
            object["reason"] = report.reason
            object["evidence"] = report.evidence
            if let msgid = report.msgid { object["msgid"] = msgid }
            if let text = report.evidenceText { object["evidence_text"] = text }
        case .resolution(let resolution):
            object["event"] = "report_resolved"
            object["id"] = resolution.id
            object["account"] = resolution.account
            object["nick"] = resolution.nick
            object["reporter"] = resolution.reporter
            object["target"] = resolution.target
            object["note"] = resolution.note
        }
        guard let data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes]),
            let line = String(data: data, encoding: .utf8)
        else {
            preconditionFailure("an audit event holds only strings, integers and lists of strings")
        }
        return line
    }

    /// `2026-01-02T03:04:05.678Z`, as `server-time` and the history export write it.
    static func timestamp(_ date: Date) -> String {
        ServerTimeFormat.format(Int64((date.timeIntervalSince1970 * 1000).rounded(.down)))
    }
}
