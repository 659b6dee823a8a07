@testable import ChatServer
import TestSupport
import Testing

@Suite struct SessionTableTests {
    @Test func valuesLiveInTheSlotTheirIDNames() {
        var table = SessionTable<String>()
        table[SessionID(10, slot: 0)] = "alice"
        table[SessionID(11, slot: 1)] = "bob"
        #expect(table[SessionID(10, slot: 0)] == "alice")
        #expect(table[SessionID(11, slot: 1)] == "bob")
        #expect(table.count == 2)
    }

    @Test func aReusedSlotDoesNotAnswerForTheSessionThatLeftIt() {
        var table = SessionTable<String>()
        let old = SessionID(1, slot: 0)
        table[old] = "alice"
        #expect(table.removeValue(forKey: old) == "alice")
        let new = SessionID(2, slot: 0)
        table[new] = "bob"
        #expect(table[old] == nil)
        #expect(table[new] == "bob")
        #expect(table.count == 1)
    }

    @Test func idsThatShareASlotOrLieFarAwayStillWork() {
        var table = SessionTable<String>()
        // Made by hand (as in tests): every one names slot 0.
        for raw in 1...5 { table[SessionID(UInt64(raw))] = "user\(raw)" }
        let far = SessionID(99, slot: 1 << 40)
        table[far] = "far"
        for raw in 1...5 { #expect(table[SessionID(UInt64(raw))] == "user\(raw)") }
        #expect(table[far] == "far")
        #expect(table.count == 6)
        #expect(Set(table.allValues) == ["user1", "user2", "user3", "user4", "user5", "far"])
        var seen: [String] = []
        table.forEach { seen.append(copy $0) }
        #expect(Set(seen) == Set(table.allValues) && seen.count == 6)
        table[SessionID(1)] = nil
        table[far] = nil
        #expect(table[SessionID(1)] == nil)
        #expect(table[far] == nil)
        #expect(table[SessionID(2)] == "user2")
        #expect(table.count == 4)
    }

    @Test func readUpdateAndModifyWorkInPlace() {
        var table = SessionTable<[Int]>()
        let slotted = SessionID(1, slot: 0)
        let overflowing = SessionID(2, slot: 0)
        table[slotted] = [1]
        table[overflowing] = [2]
        table.update(slotted) { $0.append(10) }
        table.update(overflowing) { $0.append(20) }
        table[slotted]?.append(100)
        table[overflowing]?.append(200)
        #expect(table.read(slotted) { $0.count } == 3)
        #expect(table[slotted] == [1, 10, 100])
        #expect(table[overflowing] == [2, 20, 200])
        #expect(table.update(SessionID(3, slot: 5)) { $0.append(0) } == nil)
        #expect(table.read(SessionID(3, slot: 5)) { $0.count } == nil)
        #expect(table.count == 2)
    }

    @Test func settingNilRemoves() {
        var table = SessionTable<String>()
        let id = SessionID(1, slot: 3)
        table[id] = "alice"
        #expect(table.contains(id))
        table[id] = nil
        #expect(!table.contains(id))
        #expect(table.count == 0)
        table[id] = "back"
        #expect(table[id] == "back")
        #expect(table.count == 1)
        func clear(_ value: inout String?) { value = nil }
        clear(&table[id])
        #expect(table[id] == nil)
        #expect(table.count == 0)
    }

    /// With an ID on the side, a new ID whose own slot is free goes to that slot only: once
    /// in `forEach`, and gone for good when removed.
    @Test func aNewIDIsStoredOnceWhileAnotherIsOnTheSide() {
        var table = SessionTable<String>()
        table[SessionID(1, slot: 0)] = "alice"
        table[SessionID(2, slot: 0)] = "bob"  // slot 0 is taken: on the side
        let carol = SessionID(3, slot: 1)
        table[carol] = "carol v1"
        table[carol] = "carol v2"
        var seen: [String] = []
        table.forEach { seen.append(copy $0) }
        #expect(seen.sorted() == ["alice", "bob", "carol v2"])
        #expect(table.count == 3)
        #expect(table.removeValue(forKey: carol) == "carol v2")
        #expect(table[carol] == nil)
        #expect(!table.contains(carol))
        #expect(table.count == 2)
    }

    /// Random inserts, removals and changes, through every entry point, give the same
    /// contents as a dictionary: slots, reused slots, shared slots and far-off IDs mixed.
    @Test(arguments: 0..<20) func behavesLikeADictionary(seed: UInt64) {
        var random = SplitMix64(seed: seed)
        var table = SessionTable<Int>()
        var model: [SessionID: Int] = [:]
        var ids: [SessionID] = []
        for step in 0..<500 {
            let operation = Int(random.next() % 8)
            if operation < 2 || ids.isEmpty {
                let slot = random.next() % 2 == 0 ? Int(random.next() % 8) : Int(random.next() % 3_000) - 3
                let id = SessionID(UInt64(ids.count + 1), slot: slot)
                ids.append(id)
                table[id] = step
                model[id] = step
            } else {
                let id = ids[Int(random.next() % UInt64(ids.count))]
                switch operation {
                case 2: #expect(table.removeValue(forKey: id) == model.removeValue(forKey: id))
                case 3: table[id] = nil; model[id] = nil
                case 4: table[id]? += 1; model[id]? += 1
                case 5: table.update(id) { $0 += 7 }; model[id]? += 7
                case 6: table[id] = step; model[id] = step
                default:
                    func clear(_ value: inout Int?) { value = nil }
                    clear(&table[id])
                    model[id] = nil
                }
            }
            var values: [Int] = []
            table.forEach { values.append($0) }
            let agrees = table.count == model.count && values.sorted() == model.values.sorted()
                && ids.allSatisfy { table[$0] == model[$0] && table.read($0, { $0 }) == model[$0] && table.contains($0) == (model[$0] != nil) }
            guard agrees else {
                Issue.record("seed \(seed), step \(step): the table and the dictionary differ")
                return
            }
        }
    }
}
