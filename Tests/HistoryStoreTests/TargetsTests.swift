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

    @Test func otherUsersConversationsStayHidden() async throws {
        try await self.withFixture { store async throws in
            let carol = try await store.targets(for: "carol", channels: [], between: baseTime, and: Self.at(60), limit: 10)
            #expect(carol.map(\.target.display) == ["alice"])
            let nobody = try await store.targets(for: "erin", channels: [], between: baseTime, and: Self.at(60), limit: 10)
            #expect(nobody.isEmpty)
        }
    }
}
