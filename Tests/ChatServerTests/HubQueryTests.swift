import ChatServer
import Foundation
import IRC
import Testing

@Suite struct HubQueryTests {
    @Test func whoChannelListsMembersWithFlags() {
        var harness = HubHarness()
        let alice = harness.register("alice")
        let bob = harness.register("bob", host: "198.51.100.7")
        harness.send("JOIN #rust", from: alice)
        harness.send("JOIN #rust", "AWAY :brb", from: bob)
        harness.clear()
        harness.send("WHO #rust", from: alice, expecting: [
            ":securechat.local 352 alice #rust alice 192.0.2.1 securechat.local alice H@ :0 alice Example",
            ":securechat.local 352 alice #rust bob 198.51.100.7 securechat.local bob G :0 bob Example",
            ":securechat.local 315 alice #rust :End of WHO list",
        ])
    }

    @Test(arguments: [
        ("WHO bob", [
            ":securechat.local 352 alice * bob 192.0.2.1 securechat.local bob H :0 bob Example",
            ":securechat.local 315 alice bob :End of WHO list",
        ]),
        ("WHO nobody", [":securechat.local 315 alice nobody :End of WHO list"]),
        ("WHO #nowhere", [":securechat.local 315 alice #nowhere :End of WHO list"]),
        ("ISON bob nobody ALICE", [":securechat.local 303 alice :bob alice"]),
        ("ISON :nobody", [":securechat.local 303 alice :"]),
        ("USERHOST bob nobody", [":securechat.local 302 alice bob=+bob@192.0.2.1"]),
        ("WHOIS nobody", [
            ":securechat.local 401 alice nobody :No such nick/channel",
            ":securechat.local 318 alice nobody :End of /WHOIS list",
        ]),
    ])
    func nickQueries(line: String, replies: [String]) {
        var harness = HubHarness()
        let (alice, _) = harness.register("alice", "bob")
        harness.send(line, from: alice)
        #expect(harness.take(alice) == replies)
    }

    @Test func whoisShowsTheCertificateFingerprintOnlyToItsOwner() {
        var harness = HubHarness()
        let alice = harness.register("alice", bound: ["alice", "ali"])
        let bob = harness.register("bob")
        harness.send("JOIN #rust", from: alice)
        harness.clear()
        harness.now = HubHarness.epoch.addingTimeInterval(90)
        let seenByBob = harness.replies(to: "WHOIS alice", from: bob)
        #expect(seenByBob == [
            ":securechat.local 311 bob alice alice 192.0.2.1 * :alice Example",
            ":securechat.local 312 bob alice securechat.local SecureChat",
            ":securechat.local 319 bob alice :#lobby @#rust",
            ":securechat.local 330 bob alice alice :is logged in as",
            ":securechat.local 671 bob alice :is using a secure connection",
            ":securechat.local 317 bob alice 90 1700000000 :seconds idle, signon time",
            ":securechat.local 318 bob alice :End of /WHOIS list",
        ])
        let seenByAlice = harness.replies(to: "WHOIS alice", from: alice)
        let fingerprint = String(repeating: "01", count: 32)
        #expect(seenByAlice.contains(":securechat.local 276 alice alice :has client certificate fingerprint \(fingerprint)"))
        #expect(seenByAlice.count == seenByBob.count + 1)
    }

    @Test func whoisAccountIsTheFirstBoundNick() {
        var harness = HubHarness()
        let alice = harness.register("ali", bound: ["alice", "ali"])
        harness.send("WHOIS securechat.local ali", from: alice)
        #expect(harness.take(alice).contains(":securechat.local 330 ali ali alice :is logged in as"))
    }

    @Test func whoisIdleTimeRestartsWithEachMessage() {
        var harness = HubHarness()
        let (alice, bob) = harness.register("alice", "bob")
        harness.now = HubHarness.epoch.addingTimeInterval(300)
        harness.send("PRIVMSG #lobby :still here", from: alice)
        harness.now = HubHarness.epoch.addingTimeInterval(310)
        harness.clear()
        harness.send("WHOIS alice", from: bob)
        #expect(harness.take(bob).contains(":securechat.local 317 bob alice 10 1700000000 :seconds idle, signon time"))
    }
}
