import Foundation
import GRDB
import ServerTime

/// One exported message as a JSON line: `{"time":…,"msgid":…,"from":…,"target":…,"text":…}`.
public enum HistoryExportLine {
    /// `record` as one line of JSON, without the newline. Keys come in the order above;
    /// every value is a JSON string (`time` in the IRCv3 server-time format), escaped
    /// by `JSONEncoder`.
    public static func encode(_ record: HistoryRecord) -> String {
        self.encode(record, with: Self.makeEncoder())
    }

    static func makeEncoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        return encoder
    }

    /// `record`'s line, with an encoder made once per export rather than per line.
    static func encode(_ record: HistoryRecord, with encoder: JSONEncoder) -> String {
        let fields: [(String, String)] = [
            ("time", ServerTimeFormat.format(record.event.time)),
            ("msgid", record.id.description),
            ("from", record.event.source),
            ("target", record.event.target.display),
            ("text", record.event.text),
        ]
        let members = fields.map { key, value in
            "\"\(key)\":" + Self.literal(value, encoder)
        }
        return "{" + members.joined(separator: ",") + "}"
    }

    private static func literal(_ value: String, _ encoder: JSONEncoder) -> String {
        // Encoding a String cannot fail; the fallback keeps the line valid JSON anyway.
        guard let data = try? encoder.encode(value), let text = String(data: data, encoding: .utf8) else {
            return "\"\""
        }
        return text
    }
}

extension HistoryStore {
    /// Writes `conversation`'s messages with server time at or after `since`
    /// (milliseconds) to `destination` as JSON lines, oldest first, replacing the
    /// file (mode 0600: it holds private conversations). Reads in pages on the reader
    /// pool, so memory stays small.
    ///
    /// - Returns: the number of lines written.
    /// - Throws: ``HistoryStoreError`` `writeFailed` naming `destination` when it
    ///   cannot be written; `readFailed`.
    public func export(_ conversation: HistoryConversation, since: Int64, to destination: URL) async throws -> Int {
        guard FileManager.default.createFile(atPath: destination.path, contents: nil, attributes: [.posixPermissions: 0o600]),
            let handle = try? FileHandle(forWritingTo: destination)
        else {
            throw HistoryStoreError(.writeFailed, "cannot create the export file \(destination.path); check the directory exists and is writable")
        }
        defer { try? handle.close() }
        return try await self.export(conversation, since: since, into: handle, named: destination.path)
    }

    /// Writes what ``export(_:since:to:)`` writes to `handle`, open for writing (standard
    /// output, a pipe), which the caller closes; `name` names it in errors.
    ///
    /// - Returns: the number of lines written.
    /// - Throws: ``HistoryStoreError`` `writeFailed` naming `name`; `readFailed`.
    public func export(_ conversation: HistoryConversation, since: Int64, into handle: FileHandle, named name: String) async throws -> Int {
        let key = conversation.storageKey
        let encoder = HistoryExportLine.makeEncoder()
        var written = 0
        var position: HistorySortKey?
        let pageSize = 1000
        while true {
            let after = position
            let page: [HistoryRecord] = try await self.read { db in
                var sql = "SELECT \(HistoryRecord.selection) FROM event WHERE conversation = ? AND time >= ?"
                var arguments: StatementArguments = [key, since]
                if let after {
                    sql += " AND (time, seq) > (?, ?)"
                    arguments += [after.time, after.seq]
                }
                sql += " ORDER BY time, seq LIMIT ?"
                return try HistoryRecord.fetchAll(db, sql: sql, arguments: arguments + [pageSize])
            }
            guard let last = page.last else { return written }
            var text = ""
            for record in page {
                text += HistoryExportLine.encode(record, with: encoder) + "\n"
            }
            do {
                try handle.write(contentsOf: Data(text.utf8))
            } catch {
                throw HistoryStoreError(.writeFailed, "writing the export to \(name) failed: \(error.localizedDescription)")
            }
            written += page.count
            position = HistorySortKey(time: last.event.time, seq: last.id.rawValue)
            if page.count < pageSize { return written }
        }
    }

    /// Deletes every message sent by `senderKey` (a folded nick), channel and private,
    /// in chunks of `chunkSize` rows per transaction on the writer.
    ///
    /// - Returns: the number of messages deleted.
    /// - Throws: ``HistoryStoreError`` from the first failed transaction; the chunks
    ///   before it stay deleted, and running again carries on.
    public func purge(sentBy senderKey: String, chunkSize: Int = 500) async throws -> Int {
        let chunk = max(1, chunkSize)
        var deleted = 0
        // Channel messages have no index by sender (it would cost every append), so
        // the rows are found by one scan on the reader pool and deleted by `seq`; a
        // second scan catches what the sender wrote meanwhile, and so on until none.
        while true {
            let found = try await self.read { db in
                try Int64.fetchAll(db, sql: "SELECT seq FROM event WHERE senderKey = ?", arguments: [senderKey])
            }
            guard !found.isEmpty else { break }
            for start in stride(from: 0, to: found.count, by: chunk) {
                let slice = Array(found[start..<min(start + chunk, found.count)])
                deleted += try await self.maintenanceWrite { db in
                    try db.execute(
                        sql: "DELETE FROM event WHERE seq IN (\(databaseQuestionMarks(count: slice.count)))",
                        arguments: StatementArguments(slice)
                    )
                    return db.changesCount
                }
            }
        }
        // Their correspondents, from what is left (messages others sent them stay): the
        // conversations are found by one scan on the reader pool, and each one's latest
        // message by the conversation index on the writer, so appends wait for no scan.
        let pairs: [String: (String, String)] = try await self.read { db in
            var pairs: [String: (String, String)] = [:]
            let rows = try Row.fetchCursor(
                db, sql: "SELECT DISTINCT conversation, senderKey, targetKey FROM event WHERE isDirect = 1 AND (senderKey = ?1 OR targetKey = ?1)",
                arguments: [senderKey]
            )
            while let row = try rows.next() { pairs[row["conversation"]] = (row["senderKey"], row["targetKey"]) }
            return pairs
        }
        try await self.maintenanceWrite { db in
            try db.execute(sql: "DELETE FROM direct_peer WHERE userKey = ?1 OR peerKey = ?1", arguments: [senderKey])
            try db.execute(sql: "DELETE FROM read_marker WHERE userKey = ?", arguments: [senderKey])
            let upsert = try db.cachedStatement(sql: HistorySchema.upsertDirectPeer)
            for (conversation, (one, other)) in pairs {
                guard let latest = try Int64.fetchOne(
                    db, sql: "SELECT MAX(time) FROM event WHERE conversation = ? AND isDirect = 1", arguments: [conversation]
                ) else { continue }
                // Both directions; a conversation with oneself is one row (the upsert merges).
                for (user, peer) in [(one, other), (other, one)] {
                    try upsert.execute(arguments: [user, peer, conversation, latest])
                }
            }
        }
        return deleted
    }
}
