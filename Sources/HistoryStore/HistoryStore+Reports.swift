import GRDB

/// What a user asks the operators to look at (REPORT), and which messages may be attached.
///
/// The hub decides what the reporter may read; the store only copies what matches, in
/// the same transaction that stores the report, so the evidence is exactly what was in
/// the log when the report was filed.
public struct ReportFiling: Sendable, Equatable {
    /// When the report was made, milliseconds since the epoch.
    public var time: Int64
    public var reporterNick: String
    /// The reporter's folded nick: who is told when the report is resolved.
    public var reporterKey: String
    public var reporterAccount: String
    /// The nick or channel reported, as the reporter wrote it, and folded.
    public var target: String
    public var targetKey: String
    public var reason: String
    /// The message the reporter named; nil to attach the latest lines instead.
    public var msgid: MessageID?
    /// Where evidence may come from.
    public var evidence: EvidenceScope

    public init(
        time: Int64, reporterNick: String, reporterKey: String, reporterAccount: String, target: String,
        targetKey: String, reason: String, msgid: MessageID?, evidence: EvidenceScope
    ) {
        self.time = time
        self.reporterNick = reporterNick
        self.reporterKey = reporterKey
        self.reporterAccount = reporterAccount
        self.target = target
        self.targetKey = targetKey
        self.reason = reason
        self.msgid = msgid
        self.evidence = evidence
    }
}

/// The messages a report may attach: those of `conversations` (what the reporter can
/// read), from `senderKey` when set; with no msgid, the latest `limit` from `since` on.
public struct EvidenceScope: Sendable, Equatable {
    public var conversations: [HistoryConversation]
    /// The folded nick whose messages alone count; nil for anyone's.
    public var senderKey: String?
    /// Milliseconds since the epoch; older lines are not attached without a msgid.
    public var since: Int64
    public var limit: Int

    public init(conversations: [HistoryConversation], senderKey: String?, since: Int64, limit: Int) {
        self.conversations = conversations
        self.senderKey = senderKey
        self.since = since
        self.limit = limit
    }
}

/// A stored report with its evidence, oldest message first.
public struct StoredReport: Sendable, Equatable {
    /// Given by the store, never reused.
    public var id: Int64
    public var time: Int64
    public var reporterNick: String
    public var reporterKey: String
    public var reporterAccount: String
    public var target: String
    public var reason: String
    public var msgid: MessageID?
    public var evidence: [HistoryRecord]

    public init(
        id: Int64, time: Int64, reporterNick: String, reporterKey: String, reporterAccount: String, target: String,
        reason: String, msgid: MessageID?, evidence: [HistoryRecord]
    ) {
        self.id = id
        self.time = time
        self.reporterNick = reporterNick
        self.reporterKey = reporterKey
        self.reporterAccount = reporterAccount
        self.target = target
        self.reason = reason
        self.msgid = msgid
        self.evidence = evidence
    }
}

/// What came of filing a report.
public enum ReportFilingResult: Sendable, Equatable {
    case filed(StoredReport)
    /// The msgid is not a message the reporter can read: nothing was stored.
    case unknownMessage
}

extension HistoryStore {
    /// Stores `filing` with its evidence in one transaction on the writer, and returns it
    /// once committed.
    ///
    /// With a msgid the evidence is that message, and the report is refused
    /// (`unknownMessage`) when it is not in the scope; without one, the scope's latest
    /// `limit` messages from `since` on (possibly none).
    ///
    /// - Throws: ``HistoryStoreError`` (disk full, read-only…); then nothing was stored.
    public func fileReport(_ filing: ReportFiling) async throws -> ReportFilingResult {
        try await self.maintenanceWrite { db in
            let scope = filing.evidence
            guard !scope.conversations.isEmpty || filing.msgid == nil else { return .unknownMessage }
            var conditions: [String] = []
            var arguments: StatementArguments = []
            if !scope.conversations.isEmpty {
                conditions.append("conversation IN (\(databaseQuestionMarks(count: scope.conversations.count)))")
                for conversation in scope.conversations { arguments += [conversation.storageKey] }
            }
            if let sender = scope.senderKey {
                conditions.append("senderKey = ?")
                arguments += [sender]
            }
            conditions.append("kind != ?")
            arguments += [HistoryKind.tagmsg.rawValue]
            let limit: Int
            if let msgid = filing.msgid {
                conditions.append("seq = ?")
                arguments += [msgid.rawValue]
                limit = 1
            } else {
                conditions.append("time >= ?")
                arguments += [scope.since]
                limit = max(0, scope.limit)
            }
            let selected: [HistoryRecord] =
                scope.conversations.isEmpty
                ? []
                : try HistoryRecord.fetchAll(
                    db,
                    sql: """
                        SELECT \(HistoryRecord.selection) FROM event
                        WHERE \(conditions.joined(separator: " AND "))
                        ORDER BY seq DESC LIMIT ?
                        """,
                    arguments: arguments + [limit]
                )
            if filing.msgid != nil, selected.isEmpty { return .unknownMessage }
            try db.execute(
                sql: """
                    INSERT INTO report (time, reporterNick, reporterKey, reporterAccount, target, targetKey, reason, msgid)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    filing.time, filing.reporterNick, filing.reporterKey, filing.reporterAccount, filing.target,
                    filing.targetKey, filing.reason, filing.msgid?.rawValue,
                ]
            )
            let id = db.lastInsertedRowID
            let evidence = Array(selected.reversed())
            let insert = try db.cachedStatement(sql: """
                INSERT INTO report_evidence (reportId, \(HistoryRecord.selection))
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """)
            for record in evidence {
                let event = record.event
                try insert.execute(arguments: [
                    id, record.id.rawValue, event.time, event.kind.rawValue, event.source, event.senderKey,
                    event.account, event.target.display, event.target.key, event.target.isUser, event.text,
                    event.clientTags,
                ])
            }
            return .filed(
                StoredReport(
                    id: id, time: filing.time, reporterNick: filing.reporterNick, reporterKey: filing.reporterKey,
                    reporterAccount: filing.reporterAccount, target: filing.target, reason: filing.reason,
                    msgid: filing.msgid, evidence: evidence
                ))
        }
    }

    /// Closes open report `id`, recording who closed it, when, and the note.
    ///
    /// - Returns: the report as it was filed; nil when no open report has that id (it
    ///   never existed, or is already resolved).
    /// - Throws: ``HistoryStoreError`` (disk full, read-only…); then it stays open.
    public func resolveReport(_ id: Int64, by resolver: String, note: String, time: Int64) async throws -> StoredReport? {
        try await self.maintenanceWrite { db in
            try db.execute(
                sql: "UPDATE report SET resolvedAt = ?, resolvedBy = ?, note = ? WHERE id = ? AND resolvedAt IS NULL",
                arguments: [time, resolver, note, id]
            )
            guard db.changesCount > 0 else { return nil }
            return try Self.reports(db, where: "id = ?", [id]).first
        }
    }

    /// Every report not yet resolved, oldest first, with its evidence. Blocks on the disk:
    /// the server calls it once at start-up, to know what is open.
    ///
    /// - Throws: ``HistoryStoreError`` `readFailed`.
    public func openReports() throws -> [StoredReport] {
        do {
            return try self.pool.read { db in try Self.reports(db, where: "resolvedAt IS NULL", []) }
        } catch {
            throw HistoryStoreError.reading(error, path: self.path)
        }
    }

    private static func reports(_ db: Database, where condition: String, _ arguments: StatementArguments) throws -> [StoredReport] {
        let rows = try Row.fetchAll(db, sql: "SELECT * FROM report WHERE \(condition) ORDER BY id", arguments: arguments)
        return try rows.map { row in
            let id: Int64 = row["id"]
            let msgid: Int64? = row["msgid"]
            return StoredReport(
                id: id, time: row["time"], reporterNick: row["reporterNick"], reporterKey: row["reporterKey"],
                reporterAccount: row["reporterAccount"], target: row["target"], reason: row["reason"],
                msgid: msgid.flatMap(MessageID.init(rawValue:)),
                evidence: try HistoryRecord.fetchAll(
                    db, sql: "SELECT \(HistoryRecord.selection) FROM report_evidence WHERE reportId = ? ORDER BY seq",
                    arguments: [id]
                )
            )
        }
    }
}
