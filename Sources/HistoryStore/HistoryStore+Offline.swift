import GRDB

/// Private messages kept for a recipient who was offline, until handed over once.
///
/// The hub appends with `holdForRecipient: true` when the recipient is not connected.
/// When they connect it reads ``undelivered(for:limit:)``, claims what it read with
/// ``markDelivered(_:for:)`` and sends only the IDs that call returned: marking is the
/// single point where a message changes hands, so two sessions (or a retried fetch)
/// never both send the same message.
extension HistoryStore {
    /// The oldest `limit` messages held for `recipientKey` (a folded nick), oldest
    /// first. Committed rows only; reading does not mark anything.
    ///
    /// - Throws: ``HistoryStoreError`` `readFailed`.
    public func undelivered(for recipientKey: String, limit: Int) async throws -> [HistoryRecord] {
        guard limit > 0 else { return [] }
        return try await self.read { db in
            try HistoryRecord.fetchAll(
                db,
                sql: """
                    SELECT \(HistoryRecord.selection) FROM event
                    JOIN pending_delivery USING (seq)
                    WHERE pending_delivery.recipientKey = ?
                    ORDER BY seq ASC LIMIT ?
                    """,
                arguments: [recipientKey, limit]
            )
        }
    }

    /// Marks `ids` delivered to `recipientKey`, in one transaction on the writer.
    ///
    /// - Returns: the IDs this call marked, in the order given: the ones that were
    ///   still held for this recipient. Marking again returns nothing, so it is safe
    ///   to repeat, and only one caller ever gets a given ID back.
    /// - Throws: ``HistoryStoreError`` (disk full, read-only…); then nothing was marked.
    public func markDelivered(_ ids: [MessageID], for recipientKey: String) async throws -> [MessageID] {
        guard !ids.isEmpty else { return [] }
        return try await self.maintenanceWrite { db in
            let delete = try db.cachedStatement(
                sql: "DELETE FROM pending_delivery WHERE recipientKey = ? AND seq = ?"
            )
            var marked: [MessageID] = []
            for id in ids {
                try delete.execute(arguments: [recipientKey, id.rawValue])
                if db.changesCount > 0 {
                    marked.append(id)
                }
            }
            return marked
        }
    }
}
