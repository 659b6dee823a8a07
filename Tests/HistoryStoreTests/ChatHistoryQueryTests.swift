import Foundation
import Testing

@testable import HistoryStore

/// Each CHATHISTORY subcommand over #ops holding m1…m10, one second apart, with other
/// buffers' messages interleaved so a query that leaks across buffers shows.
@Suite("CHATHISTORY queries")
struct ChatHistoryQueryTests {
    /// The time of message `n` in #ops.
    static func time(_ n: Int) -> Int64 { baseTime + Int64(n) * 1000 }

    /// Runs `body` with a store holding the fixture and the records of m1…m10.
    private func withFixture(_ body: (HistoryStore, [HistoryRecord]) async throws -> Void) async throws {
        try await withStore { store, _, _ async throws in
            var ops: [HistoryRecord] = []
            for n in 1...10 {
                ops.append(store.append(channelMessage("m\(n)", at: Self.time(n))))
                store.append(channelMessage("other \(n)", to: "#dev", at: Self.time(n)))
                store.append(privateMessage("dm \(n)", from: "alice", to: "bob", at: Self.time(n)))
            }
            await store.flush()
            try await body(store, ops)
        }
    }

    private func page(_ store: HistoryStore, _ query: HistoryQuery, limit: Int = 100) async throws -> [String] {
        texts(try await store.messages(in: .channel("#ops"), query, limit: limit))
    }

    @Test func latestWithStarReturnsTheNewestOldestFirst() async throws {
        try await self.withFixture { store, _ async throws in
            #expect(try await self.page(store, .latest(after: nil), limit: 3) == ["m8", "m9", "m10"])
            #expect(try await self.page(store, .latest(after: nil)).count == 10)
        }
    }

    @Test func latestAfterAReferenceStopsAtIt() async throws {
        try await self.withFixture { store, ops async throws in
            #expect(try await self.page(store, .latest(after: .messageID(ops[6].id))) == ["m8", "m9", "m10"])
            #expect(try await self.page(store, .latest(after: .messageID(ops[6].id)), limit: 2) == ["m9", "m10"])
            #expect(try await self.page(store, .latest(after: .timestamp(Self.time(8)))) == ["m9", "m10"])
            #expect(try await self.page(store, .latest(after: .messageID(ops[9].id))).isEmpty)
        }
    }

    @Test func beforeExcludesTheReferenceAndTakesTheNewest() async throws {
        try await self.withFixture { store, ops async throws in
            #expect(try await self.page(store, .before(.messageID(ops[4].id)), limit: 2) == ["m3", "m4"])
            #expect(try await self.page(store, .before(.timestamp(Self.time(5))), limit: 2) == ["m3", "m4"])
            #expect(try await self.page(store, .before(.timestamp(Self.time(5) + 1)), limit: 2) == ["m4", "m5"])
            #expect(try await self.page(store, .before(.messageID(ops[0].id))).isEmpty)
        }
    }

    @Test func afterExcludesTheReferenceAndTakesTheOldest() async throws {
        try await self.withFixture { store, ops async throws in
            #expect(try await self.page(store, .after(.messageID(ops[4].id)), limit: 2) == ["m6", "m7"])
            #expect(try await self.page(store, .after(.timestamp(Self.time(5))), limit: 2) == ["m6", "m7"])
            #expect(try await self.page(store, .after(.timestamp(0)), limit: 1) == ["m1"])
            #expect(try await self.page(store, .after(.messageID(ops[9].id))).isEmpty)
        }
    }

    @Test func aroundSplitsTheLimitAndIncludesTheMessage() async throws {
        try await self.withFixture { store, ops async throws in
            #expect(try await self.page(store, .around(.messageID(ops[4].id)), limit: 4) == ["m3", "m4", "m5", "m6"])
            #expect(try await self.page(store, .around(.messageID(ops[4].id)), limit: 5) == ["m3", "m4", "m5", "m6", "m7"])
            #expect(try await self.page(store, .around(.messageID(ops[4].id)), limit: 1) == ["m5"])
            #expect(try await self.page(store, .around(.timestamp(Self.time(5))), limit: 2) == ["m4", "m5"])
        }
    }

    @Test func aroundAnEndGivesTheShortSidesRoomToTheOther() async throws {
        try await self.withFixture { store, ops async throws in
            #expect(try await self.page(store, .around(.messageID(ops[0].id)), limit: 4) == ["m1", "m2", "m3", "m4"])
            #expect(try await self.page(store, .around(.messageID(ops[9].id)), limit: 4) == ["m7", "m8", "m9", "m10"])
            #expect(try await self.page(store, .around(.timestamp(Self.time(100))), limit: 3) == ["m8", "m9", "m10"])
        }
    }

    @Test func betweenCountsFromTheFirstReferenceInEitherDirection() async throws {
        try await self.withFixture { store, ops async throws in
            let m2 = HistoryReference.messageID(ops[1].id)
            let m8 = HistoryReference.messageID(ops[7].id)
            #expect(try await self.page(store, .between(m2, m8), limit: 3) == ["m3", "m4", "m5"])
            #expect(try await self.page(store, .between(m8, m2), limit: 3) == ["m5", "m6", "m7"])
            #expect(try await self.page(store, .between(m2, m8)) == ["m3", "m4", "m5", "m6", "m7"])
            #expect(try await self.page(store, .between(.timestamp(Self.time(2)), .timestamp(Self.time(5)))) == ["m3", "m4"])
            #expect(try await self.page(store, .between(.timestamp(Self.time(9)), m2), limit: 2) == ["m7", "m8"])
            #expect(try await self.page(store, .between(m8, m8)).isEmpty)
            #expect(try await self.page(store, .between(.timestamp(Self.time(5)), .messageID(ops[4].id))).isEmpty)
        }
    }

    @Test func anUnknownMsgidIsAnErrorNotAnEmptyPage() async throws {
        try await self.withFixture { store, ops async throws in
            let neverIssued = MessageID(epoch: 99, counter: 1)
            let otherBuffer = try #require(try await store.messages(in: .channel("#dev"), .latest(after: nil), limit: 1).first)
            for reference in [HistoryReference.messageID(neverIssued), .messageID(otherBuffer.id)] {
                let error = await #expect(throws: HistoryStoreError.self) {
                    try await store.messages(in: .channel("#ops"), .before(reference), limit: 10)
                }
                #expect(error?.code == .unknownMessageID)
            }
            let error = await #expect(throws: HistoryStoreError.self) {
                try await store.messages(in: .channel("#ops"), .between(.messageID(ops[0].id), .messageID(neverIssued)), limit: 10)
            }
            #expect(error?.code == .unknownMessageID)
        }
    }

    @Test func limitsAreCutToTheMaximumAndZeroIsEmpty() async throws {
        try await withStore { store, _, _ async throws in
            await appendAll((0..<150).map { channelMessage("m\($0)", at: baseTime + Int64($0)) }, to: store)
            let all = try await store.messages(in: .channel("#ops"), .latest(after: nil), limit: 1000)
            #expect(all.count == HistoryLimit.maximum)
            #expect(all.last?.event.text == "m149")
            #expect(try await store.messages(in: .channel("#ops"), .latest(after: nil), limit: 0).isEmpty)
            #expect(try await store.messages(in: .channel("#ops"), .latest(after: nil), limit: -5).isEmpty)
        }
    }

    /// Messages in the same millisecond are ordered by ID, so paging by msgid through
    /// them neither skips nor repeats.
    @Test func pagingThroughOneMillisecondNeitherSkipsNorRepeats() async throws {
        try await withStore { store, _, _ async throws in
            await appendAll((0..<25).map { channelMessage("m\($0)", at: baseTime) }, to: store)
            var seen: [String] = []
            var page = try await store.messages(in: .channel("#ops"), .latest(after: nil), limit: 7)
            while let first = page.first {
                seen = texts(page) + seen
                page = try await store.messages(in: .channel("#ops"), .before(.messageID(first.id)), limit: 7)
            }
            #expect(seen == (0..<25).map { "m\($0)" })
        }
    }

    @Test func aRecordComesBackAsItWasAppended() async throws {
        try await withStore { store, _, _ async throws in
            let event = channelMessage(
                "hello \"world\" ☃",
                from: "Alice",
                to: "#Ops",
                at: baseTime + 7,
                kind: .notice,
                clientTags: "+draft/react=👍;+example.com/x=1"
            )
            let tagmsg = channelMessage("", from: "Alice", to: "#Ops", at: baseTime + 8, kind: .tagmsg, clientTags: "+typing=active")
            let records = await appendAll([event, tagmsg], to: store)
            let stored = try await store.messages(in: .channel("#ops"), .latest(after: nil), limit: 10)
            #expect(stored == records)
            #expect(stored.first?.event.target.display == "#Ops")
            #expect(stored.first?.event.account == "alice")
        }
    }

    @Test func privateHistoryIsThePairsOnlyFromEitherSide() async throws {
        try await withStore { store, _, _ async throws in
            await appendAll([
                privateMessage("a→b", from: "alice", to: "bob", at: baseTime + 1),
                privateMessage("b→a", from: "bob", to: "alice", at: baseTime + 2),
                privateMessage("a→c", from: "alice", to: "carol", at: baseTime + 3),
                privateMessage("c→b", from: "carol", to: "bob", at: baseTime + 4),
                channelMessage("channel", from: "alice", at: baseTime + 5),
            ], to: store)
            let alice = try await store.messages(in: .direct("alice", "bob"), .latest(after: nil), limit: 10)
            let bob = try await store.messages(in: .direct("bob", "alice"), .latest(after: nil), limit: 10)
            #expect(texts(alice) == ["a→b", "b→a"])
            #expect(bob == alice)
            #expect(texts(try await store.messages(in: .direct("carol", "bob"), .latest(after: nil), limit: 10)) == ["c→b"])
            #expect(try await store.messages(in: .direct("dave", "bob"), .latest(after: nil), limit: 10).isEmpty)
        }
    }

    @Test func queriesSeeOnlyCommittedBatches() async throws {
        try await withStore { store, _, _ async throws in
            store.suspendWriter()
            store.append(channelMessage("pending"))
            #expect(try await store.messages(in: .channel("#ops"), .latest(after: nil), limit: 10).isEmpty)
            store.resumeWriter()
            await store.flush()
            #expect(texts(try await store.messages(in: .channel("#ops"), .latest(after: nil), limit: 10)) == ["pending"])
        }
    }
}
