// The error is a CodedError type: whoever imports HistoryStore reads its code and reason.
@_exported import CodedError
import GRDB

/// A failure of the history store: opening it, committing a batch, or answering a query.
///
/// Two errors are equal when their ``code`` is equal; the ``reason`` names the file and
/// says what to do. SQLite's own message, when there is one, is in ``sqliteMessage``.
public typealias HistoryStoreError = LibraryError<HistoryStoreErrorCode>

extension HistoryStoreError {
    public init(_ code: Code, _ reason: String, sqliteMessage: String? = nil, file: String = #fileID, line: Int = #line) {
        self.init(code, reason, libraryMessages: sqliteMessage.map { [$0] } ?? [], file: file, line: line)
    }

    /// SQLite's message for the underlying failure, when there is one.
    public var sqliteMessage: String? { self.libraryMessages.first }
}

/// What kind of history store failure an error is; compare errors by this.
public enum HistoryStoreErrorCode: String, LibraryErrorCode {
    public static let library = "SQLite"

    // Opening.
    /// The database file or its directory cannot be created or opened.
    case cannotOpen
    /// The file was written by a newer binary: it has schema migrations this one
    /// does not know.
    case newerSchema
    /// The requested durability did not take effect on the writer connection.
    case durabilityNotApplied
    /// Every msgid epoch is used up.
    case epochsExhausted

    // Writing.
    /// The disk (or SQLite's page limit) is full.
    case diskFull
    /// The file, its directory or the file system is read-only.
    case readOnly
    /// The operating system failed a read or write.
    case ioFailure
    /// A write failed for another reason.
    case writeFailed
    /// The store was closed before the write could be committed.
    case closed

    // Reading.
    /// A query failed.
    case readFailed
    /// A `msgid=` reference names no message in the conversation asked about.
    case unknownMessageID
    /// A stored row holds a value this binary cannot read.
    case corruptRow
}

extension HistoryStoreError {
    /// `error` from a write to the file at `path`, classified so the operator reads
    /// what to fix. A `HistoryStoreError` passes through unchanged.
    static func writing(_ error: any Error, path: String, file: String = #fileID, line: Int = #line) -> Self {
        if let error = error as? HistoryStoreError { return error }
        guard let error = error as? DatabaseError else {
            return Self(.writeFailed, "writing \(path) failed: \(error)", file: file, line: line)
        }
        let message = error.message
        switch error.resultCode {
        case .SQLITE_FULL:
            return Self(.diskFull, "\(path): the disk is full; free space, then writes resume", sqliteMessage: message, file: file, line: line)
        case .SQLITE_READONLY:
            return Self(.readOnly, "\(path) is read-only; make the file, its directory and the file system writable for the server's user", sqliteMessage: message, file: file, line: line)
        case .SQLITE_IOERR:
            return Self(.ioFailure, "\(path): the operating system failed a write; check the disk and the kernel log", sqliteMessage: message, file: file, line: line)
        case .SQLITE_CANTOPEN, .SQLITE_PERM, .SQLITE_AUTH:
            return Self(.cannotOpen, "\(path) cannot be opened for writing; check that the directory exists and the server's user may write in it", sqliteMessage: message, file: file, line: line)
        default:
            return Self(.writeFailed, "writing \(path) failed", sqliteMessage: message, file: file, line: line)
        }
    }

    /// `error` from opening the file at `path`: what ``writing(_:path:file:line:)``
    /// says for a full or read-only disk, `cannotOpen` for anything else.
    static func opening(_ error: any Error, path: String, file: String = #fileID, line: Int = #line) -> Self {
        let classified = Self.writing(error, path: path, file: file, line: line)
        guard classified.code == .writeFailed else { return classified }
        return Self(
            .cannotOpen,
            "cannot open the history file \(path); check that its directory exists and the server's user may write in it",
            sqliteMessage: classified.sqliteMessage ?? "\(error)",
            file: file,
            line: line
        )
    }

    /// `error` from a query on the file at `path`. A `HistoryStoreError` passes through.
    static func reading(_ error: any Error, path: String, file: String = #fileID, line: Int = #line) -> Self {
        if let error = error as? HistoryStoreError { return error }
        let message = (error as? DatabaseError)?.message ?? "\(error)"
        return Self(.readFailed, "reading \(path) failed", sqliteMessage: message, file: file, line: line)
    }
}
