import GRDB
import Testing

@testable import HistoryStore

@Suite("CHATHISTORY TARGETS")
struct TargetsTests {
    static func at(_ second: Int) -> Int64 { baseTime + Int64(second) * 1000 }

    /// alice's buffers: #ops (latest at 6), #dev (latest at 3), bob (latest at 5,
    /// written to her), Carol (latest at 2); plus a conversation she is not in.
    private func withFixture(_ body: (HistoryStore) async throws -> Void) async throws {
        try await withStore { store, _, _ async throws in
            await appendAll([
                channelMessage("ops 1", from: "bob", to: "#ops", at: Self.at(1)),
                privateMessage("to carol", from: "alice", to: "Carol", at: Self.at(2)),
                channelMessage("dev", from: "dave", to: "#dev", at: Self.at(3)),
                privateMessage("to bob", from: "alice", to: "bob", at: Self.at(4)),
                privateMessage("from bob", from: "Bob", to: "alice", at: Self.at(5)),
                channelMessage("ops 2", from: "bob", to: "#ops", at: Self.at(6)),
                privateMessage("not alice's", from: "bob", to: "dave", at: Self.at(7)),
                channelMessage("secret", from: "dave", to: "#secret", at: Self.at(8)),
            ], to: store)
            try await body(store)
        }
    }

    private func listing(
        _ store: HistoryStore,
        from: Int64 = baseTime,
        to: Int64 = baseTime + 60_000,
        limit: Int = 100
    ) async throws -> [String] {
        try await store.targets(for: "alice", channels: ["#ops", "#dev"], between: from, and: to, limit: limit)
            .map { "\($0.target.display)@\(($0.latest - baseTime) / 1000)" }
    }

    @Test func listsVisibleChannelsAndCorrespondentsByLatestMessage() async throws {
        try await self.withFixture { store async throws in
            #expect(try await self.listing(store) == ["Carol@2", "#dev@3", "Bob@5", "#ops@6"])
            let kinds = try await store.targets(for: "alice", channels: ["#ops"], between: baseTime, and: Self.at(60), limit: 10)
                .map(\.target.isUser)
            #expect(kinds == [true, true, false], "Carol and bob are users, #ops a channel")
        }
    }

    @Test func theWindowIsExclusiveAndLatestIsWithinIt() async throws {
        try await self.withFixture { store async throws in
            #expect(try await self.listing(store, from: Self.at(2), to: Self.at(6)) == ["#dev@3", "Bob@5"])
            #expect(try await self.listing(store, from: Self.at(0), to: Self.at(5)) == ["#ops@1", "Carol@2", "#dev@3", "bob@4"])
        }
    }

    @Test func theLimitCountsFromTheFirstTimestamp() async throws {
        try await self.withFixture { store async throws in
            #expect(try await self.listing(store, limit: 2) == ["Carol@2", "#dev@3"])
            #expect(try await self.listing(store, from: Self.at(60), to: baseTime, limit: 2) == ["Bob@5", "#ops@6"])
            #expect(try await self.listing(store, limit: 0).isEmpty)
            #expect(try await self.listing(store, from: Self.at(3), to: Self.at(3)).isEmpty)
        }
    }

    /// Purging alice removes what she sent: Carol heard only from her, so Carol is gone from
    /// both sides; bob wrote to her, so he stays, with his own latest message.
    @Test func aPurgeLeavesOnlyTheCorrespondentsWhoWroteToThePurgedUser() async throws {
        try await self.withFixture { store async throws in
            #expect(try await store.purge(sentBy: "alice") == 2)
            #expect(try await self.listing(store) == ["#dev@3", "Bob@5", "#ops@6"])
            let carol = try await store.targets(for: "carol", channels: [], between: baseTime, and: Self.at(60), limit: 10)
            #expect(carol.isEmpty)
            let bob = try await store.targets(for: "bob", channels: [], between: baseTime, and: Self.at(60), limit: 10)
            #expect(bob.map(\.target.display) == ["alice", "dave"])
            // Nothing is left that says alice and carol ever wrote.
            let correspondents = try await store.read { db in
                try String.fetchAll(db, sql: "SELECT userKey || '>' || peerKey || '@' || ((lastTime - \(baseTime)) / 1000) FROM direct_peer ORDER BY 1")
            }
            #expect(correspondents == ["alice>bob@5", "bob>alice@5", "bob>dave@7", "dave>bob@7"])
        }
    }

    @Test func retentionForgetsCorrespondentsWithNothingLeft() async throws {
        try await self.withFixture { store async throws in
            _ = try await store.prune(HistoryRetention(cutoff: Self.at(3), chunkSize: 2))
            #expect(try await self.listing(store) == ["#dev@3", "Bob@5", "#ops@6"])
            let correspondents = try await store.read { db in
                try String.fetchAll(db, sql: "SELECT userKey || '>' || peerKey FROM direct_peer ORDER BY 1")
            }
            #expect(correspondents == ["alice>bob", "bob>alice", "bob>dave", "dave>bob"], "alice and carol's row went with its messages")
        }
    }

    /// A row stamped ahead (the clock stepped back after it) holds older rows back from
    /// retention; their correspondents stay listed while they do.
    @Test func retentionKeepsCorrespondentsWhoseMessagesAreHeldBack() async throws {
        try await withStore { store, _, _ async throws in
            await appendAll([
                channelMessage("ahead", from: "bob", to: "#ops", at: Self.at(50)),
                privateMessage("to carol", from: "alice", to: "Carol", at: Self.at(1)),
            ], to: store)
            _ = try await store.prune(HistoryRetention(cutoff: Self.at(10), chunkSize: 1))
            #expect(try await self.listing(store) == ["Carol@1", "#ops@50"])
        }
    }

    /// A later batch with an older time (the clock stepped back) does not hide the newer
    /// message from a window that holds only it.
    @Test func theLatestTimeOfACorrespondentNeverMovesBack() async throws {
        try await withStore { store, _, _ async throws in
            await appendAll([privateMessage("new", from: "alice", to: "bob", at: Self.at(9))], to: store)
            await appendAll([privateMessage("stepped back", from: "bob", to: "alice", at: Self.at(2))], to: store)
            #expect(try await self.listing(store, from: Self.at(5), to: Self.at(60)) == ["bob@9"])
            #expect(try await self.listing(store, from: Self.at(1), to: Self.at(5)) == ["bob@2"])
        }
    }

    /// Buffers whose latest messages share a time are ordered by key, channels and users
    /// alike, and the page is cut in that order.
    @Test func equalTimesAreOrderedByKey() async throws {
        try await withStore { store, _, _ async throws in
            await appendAll([
                privateMessage("to carol", from: "alice", to: "carol", at: Self.at(1)),
                channelMessage("ops", from: "bob", to: "#ops", at: Self.at(1)),
                privateMessage("to bob", from: "alice", to: "bob", at: Self.at(1)),
            ], to: store)
            #expect(try await self.listing(store) == ["#ops@1", "bob@1", "carol@1"])
            #expect(try await self.listing(store, limit: 2) == ["#ops@1", "bob@1"])
            #expect(try await self.listing(store, from: Self.at(60), to: baseTime, limit: 2) == ["bob@1", "carol@1"])
        }
    }

    @Test func otherUsersConversationsStayHidden() async throws {
        try await self.withFixture { store async throws in
            let carol = try await store.targets(for: "carol", channels: [], between: baseTime, and: Self.at(60), limit: 10)
            #expect(carol.map(\.target.display) == ["alice"])
            let nobody = try await store.targets(for: "erin", channels: [], between: baseTime, and: Self.at(60), limit: 10)
            #expect(nobody.isEmpty)
        }
    }
}
