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
    public struct ReportRecord: Sendable, Equatable, Encodable {
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

        private enum CodingKeys: String, CodingKey {
            case id, account, nick, target, reason, msgid, evidence
            case evidenceText = "evidence_text"
        }
    }

    /// A report's resolution, as audited.
    public struct ResolutionRecord: Sendable, Equatable, Encodable {
        public var id: Int64
        /// The operator's account and nick.
        public var account: String
        public var nick: String
        public var reporter: String
        public var target: String
        public var note: String
    }

    /// A rule's match, as audited.
    public struct FilterMatchRecord: Sendable, Equatable, Encodable {
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

    /// The event as one JSON object, keys sorted, without a line end: `time`, `event`, and
    /// the fields of its kind (a field that is nil is left out).
    public var jsonLine: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        guard let data = try? encoder.encode(self), let line = String(data: data, encoding: .utf8) else {
            preconditionFailure("an audit event holds only strings, integers and lists of strings")
        }
        return line
    }

    /// `2026-01-02T03:04:05.678Z`, as `server-time` and the history export write it.
    static func timestamp(_ date: Date) -> String {
        ServerTimeFormat.format(Int64((date.timeIntervalSince1970 * 1000).rounded(.down)))
    }
}

extension ModerationAuditEvent: Encodable {
    private enum CodingKeys: String, CodingKey {
        case time, event, path, rules, error
    }

    /// `time` and `event` here; the kind's record adds its own fields to the same object.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(Self.timestamp(time), forKey: .time)
        switch kind {
        case .filterMatch(let match):
            try container.encode("filter_match", forKey: .event)
            try match.encode(to: encoder)
        case .filterReload(let path, let rules, let error):
            try container.encode(error == nil ? "filter_loaded" : "filter_refused", forKey: .event)
            try container.encode(path, forKey: .path)
            try container.encodeIfPresent(rules, forKey: .rules)
            try container.encodeIfPresent(error, forKey: .error)
        case .report(let report):
            try container.encode("report", forKey: .event)
            try report.encode(to: encoder)
        case .resolution(let resolution):
            try container.encode("report_resolved", forKey: .event)
            try resolution.encode(to: encoder)
        }
    }
}
