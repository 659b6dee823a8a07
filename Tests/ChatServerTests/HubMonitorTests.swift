import ChatServer
import Foundation
import IRC
import Testing

/// MONITOR as others connect, leave and change; what a list alone is answered is in
/// ``HubReplyTableTests/monitor``.
@Suite struct HubMonitorTests {
    @Test func watchersHearOfConnectsQuitsAndRenames() {
        var harness = HubHarness()
        let alice = harness.register("alice")
        harness.send("MONITOR + carol,carol2", from: alice)
        harness.clear()
        let carol = harness.connect(bound: ["carol", "carol2"])
        harness.send("NICK carol", "USER carol 0 * :Carol", from: carol)
        #expect(harness.take(alice).contains(":securechat.local 730 alice carol!carol@192.0.2.1"))
        harness.send("NICK carol2", from: carol)
        harness.expect([alice], received: [
            ":carol!carol@192.0.2.1 NICK carol2",
            ":securechat.local 731 alice carol",
            ":securechat.local 730 alice carol2!carol@192.0.2.1",
        ])
        harness.send("QUIT :bye", from: carol)
        harness.expect([alice], received: [
            ":carol2!carol@192.0.2.1 QUIT :Quit: bye",
            ":securechat.local 731 alice carol2",
        ])
    }

    @Test func listStatusRemoveAndClear() {
        var harness = HubHarness()
        let alice = harness.register("alice")
        _ = harness.register("bob")
        harness.send("MONITOR + bob,dave", "MONITOR L", from: alice)
        #expect(Array(harness.take(alice).suffix(2)) == [
            ":securechat.local 732 alice bob,dave",
            ":securechat.local 733 alice :End of MONITOR list",
        ])
        harness.send("MONITOR S", from: alice, expecting: [
            ":securechat.local 730 alice bob!bob@192.0.2.1",
            ":securechat.local 731 alice dave",
        ])
        harness.send("MONITOR - bob", "MONITOR L", from: alice, expecting: [
            ":securechat.local 732 alice dave",
            ":securechat.local 733 alice :End of MONITOR list",
        ])
        harness.send("MONITOR C", "MONITOR L", from: alice, expecting: [":securechat.local 733 alice :End of MONITOR list"])
    }

    @Test func aFullListAnswers734() {
        var harness = HubHarness()
        let alice = harness.register("alice")
        let many = (1...HubState.monitorLimit).map { "n\($0)" }.joined(separator: ",")
        harness.send("MONITOR + \(many)", from: alice)
        harness.clear()
        harness.send("MONITOR + x1,x2", from: alice, expecting: [
            ":securechat.local 734 alice 100 x1,x2 :Monitor list is full.",
        ])
    }

    @Test func extendedMonitorAddsAwayAccountAndSetname() {
        var harness = HubHarness()
        let alice = harness.register("alice", caps: "extended-monitor away-notify setname")
        let plain = harness.register("carol", caps: "away-notify")
        let bob = harness.register("bob")
        for watcher in [alice, plain] {
            harness.send("PART #lobby", "MONITOR + bob", from: watcher)
        }
        harness.clear()
        harness.send("AWAY :out", from: bob)
        harness.send("SETNAME :Robert", from: bob)
        harness.expect([alice], received: [":bob!bob@192.0.2.1 AWAY out", ":bob!bob@192.0.2.1 SETNAME Robert"])
        harness.expect([plain], received: [])
    }

    @Test func monitorIsAnnouncedInISupport() {
        var harness = HubHarness()
        let alice = harness.connect(bound: ["alice"])
        harness.send("NICK alice", "USER alice 0 * :A", from: alice)
        let lines = harness.take(alice)
        #expect(lines.contains { $0.contains(" MONITOR=100 ") && $0.contains(" BOT=B ") })
    }
}
