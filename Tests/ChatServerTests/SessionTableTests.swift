@testable import ChatServer
import TestSupport
import Testing

@Suite struct SessionTableTests {
    @Test func addedValuesGetFreshIDsInTheirOwnSlots() {
        var table = SessionTable<String>()
        let alice = table.add { _ in "alice" }
        let bob = table.add { _ in "bob" }
        #expect(alice != bob)
        #expect(alice.slot != bob.slot)
        #expect(table[alice] == "alice")
        #expect(table[bob] == "bob")
        #expect(table.count == 2)
    }

    @Test func theValueIsMadeKnowingItsID() {
        var table = SessionTable<SessionID>()
        let id = table.add { $0 }
        #expect(table[id] == id)
    }

    @Test func aReusedSlotDoesNotAnswerForTheSessionThatLeftIt() {
        var table = SessionTable<String>()
        let old = table.add { _ in "alice" }
        #expect(table.removeValue(forKey: old) == "alice")
        let new = table.add { _ in "bob" }
        #expect(new.slot == old.slot)
        #expect(new != old)
        #expect(table[old] == nil)
        #expect(!table.contains(old))
        #expect(table[new] == "bob")
        #expect(table.count == 1)
    }

    @Test func aSecondTableMirrorsTheFirstUnderTheSameIDs() {
        var hub = SessionTable<String>()
        var transport = SessionTable<Int>()
        var ids: [SessionID] = []
        for number in 0..<5 {
            let id = hub.add { _ in "user\(number)" }
            transport.place(number, at: id)
            ids.append(id)
        }
        hub.removeValue(forKey: ids[1])
        transport.removeValue(forKey: ids[1])
        let reused = hub.add { _ in "late" }
        transport.place(99, at: reused)
        #expect(transport[reused] == 99)
        #expect(transport[ids[1]] == nil)
        #expect(transport.count == 5)
    }

    @Test func readUpdateAndModifyWorkInPlace() {
        var table = SessionTable<[Int]>()
        let id = table.add { _ in [1] }
        table.update(id) { $0.append(10) }
        table[id]?.append(100)
        #expect(table.read(id) { $0.count } == 3)
        #expect(table[id] == [1, 10, 100])
        table.removeValue(forKey: id)
        #expect(table.update(id) { $0.append(0) } == nil)
        #expect(table.read(id) { $0.count } == nil)
        table[id]?.append(5)
        #expect(table.count == 0)
    }

    @Test func settingNilRemovesAndFreesTheSlot() {
        var table = SessionTable<String>()
        let id = table.add { _ in "alice" }
        table[id] = nil
        #expect(!table.contains(id))
        #expect(table.count == 0)
        func clear(_ value: inout String?) { value = nil }
        let next = table.add { _ in "bob" }
        #expect(next.slot == id.slot)
        clear(&table[next])
        #expect(table[next] == nil)
        #expect(table.count == 0)
    }

    /// Random adds, removals and changes, through every entry point, give the same
    /// contents as a dictionary; every ID stays unique although slots are reused.
    @Test(arguments: 0..<20) func behavesLikeADictionary(seed: UInt64) {
        var random = SplitMix64(seed: seed)
        var table = SessionTable<Int>()
        var model: [SessionID: Int] = [:]
        var ids: [SessionID] = []
        for step in 0..<500 {
            let operation = Int(random.next() % 8)
            if operation < 2 || ids.isEmpty {
                let id = table.add { _ in step }
                #expect(!ids.contains(id))
                ids.append(id)
                model[id] = step
            } else {
                let id = ids[Int(random.next() % UInt64(ids.count))]
                switch operation {
                case 2: #expect(table.removeValue(forKey: id) == model.removeValue(forKey: id))
                case 3: table[id] = nil; model[id] = nil
                case 4: table[id]? += 1; model[id]? += 1
                case 5: table.update(id) { $0 += 7 }; model[id]? += 7
                case 6: table[id] = model[id] == nil ? nil : step; if model[id] != nil { model[id] = step }
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
