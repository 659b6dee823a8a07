import GRDB

/// The database's tables, as numbered migrations.
///
/// Migrations are only ever added at the end. A file that has a migration this binary
/// does not list was written by a newer one; it is refused before anything runs:
/// GRDB's migrator would skip the unknown migrations and carry on, and this binary
/// would then write rows into tables whose meaning it no longer knows.
enum HistorySchema {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-events") { db in
            // The epoch the local sequencer took at its last open.
            try db.execute(sql: """
                CREATE TABLE sequencer (
                    id INTEGER PRIMARY KEY CHECK (id = 1),
                    epoch INTEGER NOT NULL
                );
                """)
            // One row per stored event; `seq` is the MessageID. `conversation` is the
            // channel's key or the sorted pair of nicks (HistoryConversation).
            try db.execute(sql: """
                CREATE TABLE event (
                    seq INTEGER PRIMARY KEY,
                    time INTEGER NOT NULL,
                    kind INTEGER NOT NULL,
                    source TEXT NOT NULL,
                    sender TEXT NOT NULL,
                    senderKey TEXT NOT NULL,
                    account TEXT,
                    target TEXT NOT NULL,
                    targetKey TEXT NOT NULL,
                    isDirect INTEGER NOT NULL,
                    conversation TEXT NOT NULL,
                    text TEXT NOT NULL,
                    clientTags TEXT NOT NULL
                );
                CREATE INDEX event_by_conversation ON event (conversation, time, seq);
                CREATE INDEX event_by_time ON event (time);
                CREATE INDEX event_by_sender ON event (senderKey, time);
                CREATE INDEX event_by_target ON event (targetKey, time);
                """)
            // Private messages stored for a recipient who was offline, until delivered.
            try db.execute(sql: """
                CREATE TABLE pending_delivery (
                    recipientKey TEXT NOT NULL,
                    seq INTEGER NOT NULL REFERENCES event (seq) ON DELETE CASCADE,
                    PRIMARY KEY (recipientKey, seq)
                ) WITHOUT ROWID;
                CREATE INDEX pending_delivery_by_seq ON pending_delivery (seq);
                """)
        }
        // Each index is one more B-tree every append writes, and a channel message is
        // most of what is appended. Channel messages now write only the row and
        // `event_by_conversation`: retention by age walks rows in `seq` order (which
        // follows time), TARGETS finds channels by conversation, and purging by sender
        // scans once. Private messages keep a sender and a target index for TARGETS.
        migrator.registerMigration("v2-narrow-indexes") { db in
            try db.execute(sql: """
                DROP INDEX event_by_time;
                DROP INDEX event_by_sender;
                DROP INDEX event_by_target;
                CREATE INDEX event_direct_by_sender ON event (senderKey, time) WHERE isDirect = 1;
                CREATE INDEX event_direct_by_target ON event (targetKey, time) WHERE isDirect = 1;
                """)
        }
        // User reports to the server's operators (REPORT, RESOLVE). The evidence is a
        // copy of the messages, kept while the report is: retention and purges of the
        // event table must not take the evidence with them.
        migrator.registerMigration("v3-reports") { db in
            try db.execute(sql: """
                CREATE TABLE report (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    time INTEGER NOT NULL,
                    reporterNick TEXT NOT NULL,
                    reporterKey TEXT NOT NULL,
                    reporterAccount TEXT NOT NULL,
                    target TEXT NOT NULL,
                    targetKey TEXT NOT NULL,
                    reason TEXT NOT NULL,
                    msgid INTEGER,
                    resolvedAt INTEGER,
                    resolvedBy TEXT,
                    note TEXT
                );
                CREATE INDEX report_open ON report (id) WHERE resolvedAt IS NULL;
                CREATE TABLE report_evidence (
                    reportId INTEGER NOT NULL REFERENCES report (id) ON DELETE CASCADE,
                    seq INTEGER NOT NULL,
                    time INTEGER NOT NULL,
                    kind INTEGER NOT NULL,
                    source TEXT NOT NULL,
                    senderKey TEXT NOT NULL,
                    account TEXT,
                    target TEXT NOT NULL,
                    targetKey TEXT NOT NULL,
                    isDirect INTEGER NOT NULL,
                    text TEXT NOT NULL,
                    clientTags TEXT NOT NULL,
                    PRIMARY KEY (reportId, seq)
                ) WITHOUT ROWID;
                """)
        }
        // The two partial indexes of v2 cost every private message two more B-tree inserts
        // (a fifth of the writer's time for private messages), only for TARGETS. Instead,
        // `direct_peer` keeps one row per user and correspondent with the latest message's
        // time, written once per pair per batch; TARGETS reads a user's correspondents there
        // and each conversation's latest message in the window by `event_by_conversation`.
        migrator.registerMigration("v4-direct-peers") { db in
            try db.execute(sql: """
                CREATE TABLE direct_peer (
                    userKey TEXT NOT NULL,
                    peerKey TEXT NOT NULL,
                    conversation TEXT NOT NULL,
                    lastTime INTEGER NOT NULL,
                    PRIMARY KEY (userKey, peerKey)
                ) WITHOUT ROWID;
                """)
            try HistorySchema.rebuildDirectPeers(db)
            try db.execute(sql: """
                DROP INDEX event_direct_by_sender;
                DROP INDEX event_direct_by_target;
                """)
        }
        // draft/read-marker: per nick and buffer, the time of the last message read.
        migrator.registerMigration("v5-read-markers") { db in
            try db.execute(sql: """
                CREATE TABLE read_marker (
                    userKey TEXT NOT NULL,
                    targetKey TEXT NOT NULL,
                    time INTEGER NOT NULL,
                    PRIMARY KEY (userKey, targetKey)
                ) WITHOUT ROWID;
                """)
        }
        return migrator
    }

    /// Upserts one `direct_peer` row: `lastTime` only ever moves forward.
    static let upsertDirectPeer = """
        INSERT INTO direct_peer (userKey, peerKey, conversation, lastTime) VALUES (?, ?, ?, ?)
        ON CONFLICT (userKey, peerKey) DO UPDATE SET lastTime = MAX(lastTime, excluded.lastTime)
        """

    /// Writes the `direct_peer` rows of every private conversation, from the stored
    /// private messages (once, when the table is made).
    static func rebuildDirectPeers(_ db: Database) throws {
        // Both directions: each side of a conversation lists the other. (The WHERE clause
        // is what keeps SQLite from reading ON CONFLICT as a join's ON.)
        for (user, peer) in [("senderKey", "targetKey"), ("targetKey", "senderKey")] {
            try db.execute(
                sql: """
                    INSERT INTO direct_peer (userKey, peerKey, conversation, lastTime)
                    SELECT \(user), \(peer), conversation, MAX(time) FROM event WHERE isDirect = 1
                    GROUP BY \(user), \(peer)
                    ON CONFLICT (userKey, peerKey) DO UPDATE SET lastTime = MAX(lastTime, excluded.lastTime)
                    """
            )
        }
    }

    /// Brings the database at `path` up to date on the writer connection, refusing a
    /// file written by a newer binary.
    ///
    /// - Throws: ``HistoryStoreError/Code-swift.enum/newerSchema`` naming the file and
    ///   the unknown migrations; SQLite errors as they come.
    static func migrate(_ writer: any DatabaseWriter, path: String) throws {
        let migrator = Self.migrator
        let unknown: [String] = try writer.read { db in
            guard try migrator.hasBeenSuperseded(db) else { return [] }
            let known = Set(migrator.migrations)
            return try migrator.appliedIdentifiers(db).filter { !known.contains($0) }.sorted()
        }
        guard unknown.isEmpty else {
            throw HistoryStoreError(
                .newerSchema,
                "\(path) was written by a newer SecureChat (schema migrations \(unknown.joined(separator: ", ")) are unknown to this one); run the newer server, or point the history directory elsewhere"
            )
        }
        try migrator.migrate(writer)
    }
}
