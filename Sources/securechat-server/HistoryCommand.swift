import ArgumentParser
import ChatServer
import Foundation
import HistoryStore

/// `securechat-server history export | purge`: the history log, offline.
struct HistoryCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "history",
        abstract: "Export a conversation's history, or purge what a nick sent.",
        discussion: """
            Examples:
            \(HistoryExportCommand.auditExample)
            \(HistoryPurgeCommand.example)

            Both read the server's history database (history.sqlite in its data
            directory), named by --data-dir or by the data_dir of --config, as serve
            finds it. They may run beside the running server: an export reads a
            snapshot, and a purge deletes in small transactions that the server's own
            writes wait for (and that wait for them).
            """,
        subcommands: [HistoryExportCommand.self, HistoryPurgeCommand.self]
    )
}

/// Where the history database is: `--data-dir`, else the data directory `--config` names,
/// as `serve` resolves it.
struct HistoryLocation: ParsableArguments {
    @Option(help: "The server's TOML configuration file; its data_dir is used.")
    var config: String?
    @Option(help: "The server's data directory (default: data_dir of --config, else ./data).")
    var dataDir: String?

    /// The data directory, resolved like `serve` does.
    func directory() throws -> String {
        var settings = ServerConfiguration()
        if let config { try settings.apply(tomlAt: config) }
        if let dataDir { settings.dataDirectory = dataDir }
        return settings.resolvedDataDirectory
    }

    /// Opens the database that must already be in the data directory.
    ///
    /// - Throws: ``ConfigurationError`` when the directory or its database is missing (so a
    ///   mistyped path never creates an empty one); ``HistoryStoreError`` when the file
    ///   cannot be opened or was written by a newer binary.
    func open() throws -> HistoryStore {
        let directory = try self.directory()
        let settings = HistoryStoreConfiguration(directory: URL(fileURLWithPath: directory))
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw ConfigurationError(
                .fileUnreadable,
                "the data directory \(directory) does not exist; give the server's data directory with --data-dir DIR, or its configuration file with --config FILE")
        }
        guard FileManager.default.fileExists(atPath: settings.path) else {
            throw ConfigurationError(
                .fileUnreadable,
                "\(directory) holds no history (no \(settings.fileName)); name the server's data directory with --data-dir DIR or --config FILE")
        }
        return try HistoryStore(configuration: settings, sequencer: NoMessageIDs(), onBatch: { _ in })
    }

    /// Opens the database (see ``open()``), runs `body` with it and closes it, also when
    /// `body` throws, so that what it wrote is committed and the file released.
    func withStore<T>(_ body: (HistoryStore) async throws -> T) async throws -> T {
        let store = try self.open()
        do {
            let result = try await body(store)
            await store.close()
            return result
        } catch {
            await store.close()
            throw error
        }
    }
}

/// The sequencer of a store opened only to read or delete: opening it claims no msgid
/// epoch, which only a server that sends messages needs.
private struct NoMessageIDs: HistorySequencer {
    func next() -> MessageID {
        preconditionFailure("the history commands append nothing")
    }
}

/// One line on standard error: what a command did, apart from its output.
func report(_ line: String) {
    FileHandle.standardError.write(Data((line + "\n").utf8))
}
