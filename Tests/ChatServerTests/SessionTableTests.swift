@testable import ChatServer
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
}
