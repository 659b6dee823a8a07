import GRDB

extension HistoryRecord {
    /// The columns ``init(row:)`` reads, in a SELECT's order.
    static let selection = """
        seq, time, kind, source, senderKey, account, target, targetKey, isDirect, text, clientTags
        """

    /// A record from a row selected with ``selection``.
    ///
    /// - Throws: ``HistoryStoreError/Code-swift.enum/corruptRow`` when the row holds
    ///   an ID or kind this binary cannot read.
    init(row: Row) throws {
        let seq: Int64 = row["seq"]
        let kindValue: Int = row["kind"]
        guard let id = MessageID(rawValue: seq), let kind = HistoryKind(rawValue: kindValue) else {
            throw HistoryStoreError(.corruptRow, "history row \(seq) (kind \(kindValue)) is not a message this binary can read")
        }
        let targetKey: String = row["targetKey"]
        let target: String = row["target"]
        let isDirect: Bool = row["isDirect"]
        self.init(
            id: id,
            event: HistoryEvent(
                time: row["time"],
                kind: kind,
                source: row["source"],
                senderKey: row["senderKey"],
                account: row["account"],
                target: isDirect ? .user(key: targetKey, display: target) : .channel(key: targetKey, display: target),
                text: row["text"],
                clientTags: row["clientTags"]
            )
        )
    }

    /// Every record `sql` selects, in the order it selects them.
    static func fetchAll(_ db: Database, sql: String, arguments: StatementArguments) throws -> [HistoryRecord] {
        var records: [HistoryRecord] = []
        let rows = try Row.fetchCursor(db, sql: sql, arguments: arguments)
        while let row = try rows.next() {
            records.append(try HistoryRecord(row: row))
        }
        return records
    }
}
