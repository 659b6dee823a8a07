import GRDB
import GRDBSQLite

/// One row bound straight to a prepared statement and stepped, for the writer's appends.
///
/// `Statement.execute(arguments:)` boxes every value as a `DatabaseValue` behind an
/// existential and copies the array of them: measured with `perf` during fan-out, that
/// cost more of the writer's time than SQLite's own insert. Here each value goes to
/// `sqlite3_bind_*` as it is; a failure becomes the `DatabaseError` GRDB would throw, so
/// ``HistoryStoreError/writing(_:path:file:line:)`` classifies it the same way.
///
/// GRDB's own statement hooks do not run for these steps: a transaction observer or a
/// `ValueObservation` of the event tables would not see the writer's inserts.
struct StatementRow {
    private let statement: Statement
    private let connection: OpaquePointer?
    private var index: CInt = 0

    /// Starts a row of `statement`, whose previous run was reset.
    init(_ statement: Statement, in db: Database) {
        self.statement = statement
        self.connection = db.sqliteConnection
    }

    private static let transient = unsafeBitCast(OpaquePointer(bitPattern: -1), to: sqlite3_destructor_type.self)

    mutating func bind(_ value: Int64) throws {
        index += 1
        try check(sqlite3_bind_int64(statement.sqliteStatement, index, value))
    }

    mutating func bind(_ value: Bool) throws {
        try bind(Int64(value ? 1 : 0))
    }

    mutating func bind(_ value: some StringProtocol) throws {
        index += 1
        var text = String(value)
        let code = text.withUTF8 { utf8 -> CInt in
            // A null pointer would bind NULL, not the empty text.
            guard let base = utf8.baseAddress, !utf8.isEmpty else {
                return sqlite3_bind_text(statement.sqliteStatement, index, "", 0, Self.transient)
            }
            // SQLite copies the bytes (transient), so the buffer need not outlive the call.
            return sqlite3_bind_text(
                statement.sqliteStatement, index, UnsafeRawPointer(base).assumingMemoryBound(to: CChar.self),
                CInt(utf8.count), Self.transient
            )
        }
        try check(code)
    }

    mutating func bind(_ value: String?) throws {
        guard let value else {
            index += 1
            try check(sqlite3_bind_null(statement.sqliteStatement, index))
            return
        }
        try bind(value)
    }

    /// Runs the statement with the values bound, then resets it for the next row.
    func step() throws {
        // A value left unbound would silently keep the previous row's.
        assert(index == sqlite3_bind_parameter_count(statement.sqliteStatement), "\(index) values bound to \(statement.sql)")
        let code = sqlite3_step(statement.sqliteStatement)
        sqlite3_reset(statement.sqliteStatement)
        guard code == SQLITE_DONE else { throw error(code) }
    }

    private func check(_ code: CInt) throws {
        guard code == SQLITE_OK else { throw error(code) }
    }

    private func error(_ code: CInt) -> DatabaseError {
        let extended = connection.map { sqlite3_extended_errcode($0) } ?? code
        let message = connection.flatMap { sqlite3_errmsg($0) }.map { String(cString: $0) }
        return DatabaseError(resultCode: ResultCode(rawValue: extended), message: message, sql: statement.sql)
    }
}
