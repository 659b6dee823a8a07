import GRDB

/// draft/read-marker: the time of the last message a nick has read in a buffer (a channel
/// or a correspondent), shared by all of the nick's sessions and kept across restarts.
public struct ReadMarker: Hashable, Sendable {
    /// The folded nick whose marker it is.
    public let userKey: String
    /// The folded channel name or nick of the buffer.
    public let targetKey: String
    /// Server time of the last message read, in milliseconds.
    public let time: Int64

    public init(userKey: String, targetKey: String, time: Int64) {
        self.userKey = userKey
        self.targetKey = targetKey
        self.time = time
    }
}

extension HistoryStore {
    /// Every stored marker, read once at start (the hub keeps them in memory).
    ///
    /// - Throws: ``HistoryStoreError`` `readFailed`.
    public func readMarkers() throws -> [ReadMarker] {
        do {
            return try self.pool.read { db in
                try Row.fetchAll(db, sql: "SELECT userKey, targetKey, time FROM read_marker").map {
                    ReadMarker(userKey: $0["userKey"], targetKey: $0["targetKey"], time: $0["time"])
                }
            }
        } catch {
            throw HistoryStoreError.reading(error, path: self.path)
        }
    }

    /// Stores `marker` unless a later one is stored (a marker only moves forward), in a
    /// transaction of its own on the writer; returns the time stored once it is committed.
    ///
    /// - Throws: ``HistoryStoreError`` classified as for a batch (disk full, read-only…).
    public func setReadMarker(_ marker: ReadMarker) async throws -> Int64 {
        try await self.maintenanceWrite { db in
            try db.execute(
                sql: """
                    INSERT INTO read_marker (userKey, targetKey, time) VALUES (?, ?, ?)
                    ON CONFLICT (userKey, targetKey) DO UPDATE SET time = MAX(time, excluded.time)
                    """,
                arguments: [marker.userKey, marker.targetKey, marker.time]
            )
            return try Int64.fetchOne(
                db, sql: "SELECT time FROM read_marker WHERE userKey = ? AND targetKey = ?",
                arguments: [marker.userKey, marker.targetKey]
            ) ?? marker.time
        }
    }
}
