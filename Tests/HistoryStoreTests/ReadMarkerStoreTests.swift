import Foundation
import Testing

@testable import HistoryStore

@Suite("Read markers")
struct ReadMarkerStoreTests {
    @Test func aPurgeTakesTheNicksMarkersAndLeavesOthers() async throws {
        try await withStore { store, _, _ async throws in
            _ = try await store.setReadMarker(ReadMarker(userKey: "alice", targetKey: "#ops", time: 20))
            _ = try await store.setReadMarker(ReadMarker(userKey: "bob", targetKey: "alice", time: 30))
            _ = try await store.purge(sentBy: "alice")
            #expect(try store.readMarkers() == [ReadMarker(userKey: "bob", targetKey: "alice", time: 30)])
        }
    }

    @Test func aMarkerOnlyMovesForwardAndOutlivesTheStore() async throws {
        try await withTemporaryDirectory { directory in
            let (store, _) = try openStore(in: directory)
            #expect(try await store.setReadMarker(ReadMarker(userKey: "alice", targetKey: "#ops", time: 20)) == 20)
            #expect(try await store.setReadMarker(ReadMarker(userKey: "alice", targetKey: "#ops", time: 10)) == 20)
            #expect(try await store.setReadMarker(ReadMarker(userKey: "alice", targetKey: "bob", time: 5)) == 5)
            #expect(try await store.setReadMarker(ReadMarker(userKey: "bob", targetKey: "#ops", time: 30)) == 30)
            await store.close()

            let (reopened, _) = try openStore(in: directory)
            let markers = try reopened.readMarkers().sorted { ($0.userKey, $0.targetKey) < ($1.userKey, $1.targetKey) }
            #expect(markers == [
                ReadMarker(userKey: "alice", targetKey: "#ops", time: 20),
                ReadMarker(userKey: "alice", targetKey: "bob", time: 5),
                ReadMarker(userKey: "bob", targetKey: "#ops", time: 30),
            ])
            await reopened.close()
        }
    }
}
