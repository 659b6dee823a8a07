import Foundation
import GRDB
import Testing

@testable import HistoryStore

@Suite("Durability and schema")
struct DurabilityTests {
    @Test(arguments: HistoryDurability.allCases)
    func theChosenSynchronousModeIsInEffectOnTheWriter(durability: HistoryDurability) async throws {
        try await withStore(durability: durability) { store, _, _ async throws in
            #expect(try await store.effectiveDurability() == durability)
            // Still in effect after commits, which run on the same connection.
            await appendAll([channelMessage("one")], to: store)
            #expect(try await store.effectiveDurability() == durability)
        }
    }

    /// Why the store sets the pragma after opening: a `DatabasePool` sets NORMAL when
    /// it turns WAL on, after `prepareDatabase`. If GRDB stops doing that, this test
    /// says the workaround can go.
    @Test func aPoolOverridesSynchronousSetInPrepareDatabase() async throws {
        try await withTemporaryDirectory { directory in
            var configuration = Configuration()
            configuration.prepareDatabase { db in
                try db.execute(sql: "PRAGMA synchronous = FULL")
            }
            let pool = try DatabasePool(path: directory.appendingPathComponent("plain.sqlite").path, configuration: configuration)
            let value = try await pool.writeWithoutTransaction { db in
                try Int.fetchOne(db, sql: "PRAGMA synchronous")
            }
            #expect(value == HistoryDurability.normal.synchronousValue)
            try pool.close()
        }
    }

    @Test func aDatabaseFromANewerBinaryIsRefusedByName() async throws {
        try await withTemporaryDirectory { directory in
            let path = try await storeOneMessageThenAlter(
                in: directory, text: "kept", sql: "INSERT INTO grdb_migrations (identifier) VALUES ('v9-from-the-future')")

            let error = try #require(throws: HistoryStoreError.self) {
                _ = try openStore(in: directory)
            }
            #expect(error.code == .newerSchema)
            #expect(error.description.contains(path))
            #expect(error.description.contains("v9-from-the-future"))

            // Refused before anything was written: the row is still there as it was.
            let check = try independentReader(path)
            let count = try await check.read { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM event") }
            #expect(count == 1)
            try check.close()
        }
    }

    @Test func aDirectoryThatCannotBeMadeIsRefusedByName() async throws {
        try await withTemporaryDirectory { directory in
            let file = directory.appendingPathComponent("not-a-directory")
            try Data("x".utf8).write(to: file)
            let error = try #require(throws: HistoryStoreError.self) {
                _ = try openStore(in: file.appendingPathComponent("history"))
            }
            #expect(error.code == .cannotOpen)
            #expect(error.description.contains(file.path))
        }
    }

    /// Permissions do not stop root, so this runs only as another user.
    @Test(.enabled(if: geteuid() != 0, "root may write anywhere"))
    func aReadOnlyDirectoryIsRefusedByName() async throws {
        try await withTemporaryDirectory { directory in
            let locked = directory.appendingPathComponent("locked")
            try FileManager.default.createDirectory(at: locked, withIntermediateDirectories: false)
            try FileManager.default.setAttributes([.posixPermissions: 0o500], ofItemAtPath: locked.path)
            defer { try? FileManager.default.setAttributes([.posixPermissions: 0o700], ofItemAtPath: locked.path) }
            let error = try #require(throws: HistoryStoreError.self) {
                _ = try openStore(in: locked)
            }
            #expect(error.description.contains(locked.path))
        }
    }
}
