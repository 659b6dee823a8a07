import Testing

@testable import HistoryStore

@Suite("Offline private messages")
struct OfflineDeliveryTests {
    @Test func heldMessagesAreHandedOverExactlyOnce() async throws {
        try await withStore { store, _, _ async throws in
            let held = [
                store.append(privateMessage("one", from: "alice", to: "Bob", at: baseTime + 1), holdForRecipient: true),
                store.append(privateMessage("two", from: "carol", to: "bob", at: baseTime + 2), holdForRecipient: true),
            ]
            store.append(privateMessage("live", from: "alice", to: "bob", at: baseTime + 3))
            store.append(privateMessage("for dave", from: "alice", to: "dave", at: baseTime + 4), holdForRecipient: true)
            await store.flush()

            let first = try await store.undelivered(for: "bob", limit: 100)
            #expect(first == held)
            let second = try await store.undelivered(for: "bob", limit: 100)
            #expect(second == held, "reading twice marks nothing")

            let claimed = try await store.markDelivered(first.map(\.id), for: "bob")
            #expect(claimed == held.map(\.id))
            let again = try await store.markDelivered(second.map(\.id), for: "bob")
            #expect(again.isEmpty, "the second fetch's copies were already handed over")
            #expect(try await store.undelivered(for: "bob", limit: 100).isEmpty)

            #expect(try await store.undelivered(for: "dave", limit: 100).count == 1, "other recipients keep theirs")
            let history = try await store.messages(in: .direct("bob", "alice"), .latest(after: nil), limit: 10)
            #expect(texts(history) == ["one", "live"], "delivery leaves history alone")
        }
    }

    @Test func concurrentClaimsSplitTheMessagesWithoutOverlap() async throws {
        try await withStore { store, _, _ async throws in
            for index in 0..<50 {
                store.append(privateMessage("m\(index)", from: "alice", to: "bob"), holdForRecipient: true)
            }
            await store.flush()
            let ids = try await store.undelivered(for: "bob", limit: 100).map(\.id)
            async let left = store.markDelivered(ids, for: "bob")
            async let right = store.markDelivered(ids.reversed(), for: "bob")
            let (a, b) = try await (left, right)
            #expect(Set(a).isDisjoint(with: b))
            #expect(Set(a).union(b) == Set(ids))
        }
    }

    @Test func markingIsPerRecipientAndPagesOldestFirst() async throws {
        try await withStore { store, _, _ async throws in
            let records = (0..<5).map {
                store.append(privateMessage("m\($0)", from: "alice", to: "bob", at: baseTime + Int64($0)), holdForRecipient: true)
            }
            await store.flush()
            #expect(try await store.markDelivered(records.map(\.id), for: "carol").isEmpty)
            let page = try await store.undelivered(for: "bob", limit: 2)
            #expect(texts(page) == ["m0", "m1"])
            _ = try await store.markDelivered(page.map(\.id), for: "bob")
            #expect(texts(try await store.undelivered(for: "bob", limit: 2)) == ["m2", "m3"])
        }
    }

    @Test func channelMessagesAreNeverHeld() async throws {
        try await withStore { store, _, _ async throws in
            store.append(channelMessage("to a channel"), holdForRecipient: true)
            await store.flush()
            #expect(try await store.undelivered(for: "#ops", limit: 10).isEmpty)
        }
    }
}
