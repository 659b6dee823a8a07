@testable import ChatServer
import Foundation
import IRC
import Testing

/// What several sessions of one nick share: the nick is listed once, renamed only when
/// alone, away while all its sessions are, and its channels' delivery groups follow its
/// sessions.
@Suite struct HubSharedNickTests {
    static let phoneHost = HubMultiSessionTests.phoneHost

    // MARK: Queries list the nick once

    @Test func namesWhoWhoisIsonAndListCountTheNickOnce() throws {
        var harness = HubHarness()
        let (laptop, phone, bob) = harness.registerLaptopPhoneAndBob()
        harness.send(
            "NAMES #lobby", "WHO #lobby", "WHO alice", "ISON alice", "USERHOST alice", "LIST #lobby",
            from: bob,
            expecting: [
                ":securechat.local 353 bob = #lobby :alice bob",
                ":securechat.local 366 bob #lobby :End of /NAMES list",
                ":securechat.local 352 bob #lobby alice 192.0.2.1 securechat.local alice H :0 alice Example",
                ":securechat.local 352 bob #lobby bob 192.0.2.1 securechat.local bob H :0 bob Example",
                ":securechat.local 315 bob #lobby :End of WHO list",
                ":securechat.local 352 bob * alice 192.0.2.1 securechat.local alice H :0 alice Example",
                ":securechat.local 315 bob alice :End of WHO list",
                ":securechat.local 303 bob alice",
                ":securechat.local 302 bob alice=+alice@192.0.2.1",
                ":securechat.local 322 bob #lobby 2 :",
                ":securechat.local 323 bob :End of /LIST",
            ]
        )
        let whois = harness.replies(to: "WHOIS alice", from: bob)
        #expect(whois.filter { $0.contains(" 311 ") } == [":securechat.local 311 bob alice alice 192.0.2.1 * :alice Example"])
        #expect(!whois.contains { $0.contains(" 276 ") })
        // Each of alice's sessions is shown its own certificate's fingerprint.
        harness.send("WHOIS alice", from: laptop)
        harness.send("WHOIS alice", from: phone)
        let laptopPrint = try #require(harness.take(laptop).first { $0.contains(" 276 ") })
        let phonePrint = try #require(harness.take(phone).first { $0.contains(" 276 ") })
        #expect(laptopPrint.hasSuffix(String(repeating: "01", count: 32)))
        #expect(phonePrint.hasSuffix(String(repeating: "02", count: 32)))
    }

    // MARK: What belongs to the nick

    @Test func aSharedNickIsNotRenamedUntilItHasOneSession() {
        var harness = HubHarness()
        let laptop = harness.register("alice", bound: ["alice", "alice_"])
        let phone = harness.register("alice", bound: ["alice", "alice_"], host: Self.phoneHost)
        harness.send("NICK alice_", from: phone, expecting: [
            ":securechat.local 400 alice NICK :alice is shared by 2 sessions and cannot be renamed from one of them; "
                + "close the others first, or log this one in as alice_"
        ])
        harness.expect([laptop], received: [])
        #expect(harness.hub.nick(of: phone) == "alice")
        harness.send("QUIT", from: laptop)
        harness.send("NICK alice_", from: phone, expecting: [":alice!alice@198.51.100.7 NICK alice_"])
    }

    @Test func theNickIsAwayOnlyWhileEverySessionIs() {
        var harness = HubHarness()
        let (laptop, phone, bob) = harness.registerLaptopPhoneAndBob()
        harness.send("AWAY :in a pocket", from: phone, expecting: [
            ":securechat.local 306 alice :You have been marked as being away; others see alice as away once all its sessions are"
        ])
        harness.send("PRIVMSG alice :there?", "USERHOST alice", from: bob, expecting: [
            ":securechat.local 302 bob alice=+alice@192.0.2.1",
        ])

        harness.clear()
        harness.now = HubHarness.epoch.addingTimeInterval(60)
        harness.send("AWAY :at lunch", from: laptop, expecting: [
            ":securechat.local 306 alice :You have been marked as being away",
        ])
        harness.send("PRIVMSG alice :there?", from: bob, expecting: [
            ":securechat.local 301 bob alice :at lunch",
        ], "the text set last")

        harness.send("AWAY", from: laptop)
        harness.send("PRIVMSG alice :back?", from: bob, expecting: [])
        harness.close(laptop, reason: "Ping timeout")
        harness.send("PRIVMSG alice :and now?", from: bob, expecting: [
            ":securechat.local 301 bob alice :in a pocket",
        ], "the sessions left are all away")
    }

    @Test func userModesIdleTimeAndSignonBelongToTheNick() {
        var harness = HubHarness()
        let laptop = harness.register("alice")
        harness.now = HubHarness.epoch.addingTimeInterval(100)
        let phone = harness.register("alice", host: Self.phoneHost)
        let bob = harness.register("bob")
        harness.send("MODE alice +i", from: phone)
        harness.expect([laptop, phone], received: [":alice!alice@198.51.100.7 MODE alice +i"])
        harness.send("MODE alice", from: laptop, expecting: [":securechat.local 221 alice +i"])
        harness.send("LUSERS", from: bob, expecting: [
            ":securechat.local 251 bob :There are 1 users and 1 invisible on 1 servers",
            ":securechat.local 254 bob 1 :channels formed",
            ":securechat.local 255 bob :I have 3 clients and 0 servers",
            ":securechat.local 265 bob 2 2 :Current local users 2, max 2",
            ":securechat.local 266 bob 2 2 :Current global users 2, max 2",
        ])

        harness.now = HubHarness.epoch.addingTimeInterval(400)
        harness.send("PRIVMSG #lobby :from the phone", from: phone)
        harness.now = HubHarness.epoch.addingTimeInterval(405)
        harness.send("WHOIS alice", from: bob)
        #expect(harness.take(bob).contains(":securechat.local 317 bob alice 5 1700000000 :seconds idle, signon time"))
    }

    // MARK: Fan-out

    /// A channel's sessions are grouped once and reused for every message until a member
    /// gains or loses a session or a session changes its capabilities.
    @Test func channelDeliveryGroupsAreKeptUntilTheSessionsChange() {
        var harness = HubHarness()
        let (laptop, bob) = harness.register("alice", "bob")
        harness.send("PRIVMSG #lobby :one", from: bob)
        #expect(harness.hub.channels["#lobby"]?.deliveryGroups != nil)

        let phone = harness.register("alice", host: Self.phoneHost)
        #expect(harness.hub.channels["#lobby"]?.deliveryGroups == nil, "alice gained a session")
        harness.send("PRIVMSG #lobby :two", from: bob)
        harness.expect([phone], received: [":bob!bob@192.0.2.1 PRIVMSG #lobby two"])
        #expect(harness.hub.channels["#lobby"]?.deliveryGroups != nil)

        harness.send("CAP REQ server-time", from: phone)
        #expect(harness.hub.channels["#lobby"]?.deliveryGroups == nil, "a session changed its capabilities")
        harness.clear()
        harness.send("PRIVMSG #lobby :three", from: bob)
        harness.expect([phone], received: ["@time=2023-11-14T22:13:20.000Z :bob!bob@192.0.2.1 PRIVMSG #lobby three"])
        harness.expect([laptop], received: [":bob!bob@192.0.2.1 PRIVMSG #lobby three"])

        harness.close(phone, reason: "Ping timeout")
        #expect(harness.hub.channels["#lobby"]?.deliveryGroups == nil, "alice lost a session")
        harness.send("PRIVMSG #lobby :four", from: bob)
        #expect(harness.lastSends.map(\.recipients) == [[laptop]])
    }
}
