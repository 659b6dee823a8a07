import ChatServer
import Foundation
import IRC
import Testing

/// Several sessions holding one nick: a laptop and a phone, or `securechat` and
/// `securechat tail` on one machine. The nick is one user to everyone else; each of its
/// sessions sees what is sent to it and to its channels, and what its siblings send.
@Suite struct HubMultiSessionTests {
    static let phoneHost = "198.51.100.7"

    // MARK: Registration

    @Test func aSecondSessionJoinsTheNicksChannelsAndNobodyElseNotices() {
        var harness = HubHarness()
        let laptop = harness.register("alice")
        let bob = harness.register("bob")
        harness.send("JOIN #ops", from: laptop)
        harness.send("TOPIC #ops :Deploys", from: laptop)
        harness.send("JOIN #ops", from: bob)
        harness.clear()

        let phone = harness.connect(bound: ["alice"], host: Self.phoneHost)
        let lines = harness.replies(to: "NICK alice", "USER alice 0 * :Alice Phone", from: phone)
        let commands = lines.compactMap { (try? IRCMessage(parsing: Array($0.utf8)))?.command }
        #expect(commands == [
            "001", "002", "003", "004", "005", "005", "251", "254", "255", "265", "266", "422",
            "JOIN", "353", "366", "JOIN", "332", "333", "353", "366",
        ])
        #expect(lines.contains(":securechat.local 251 alice :There are 2 users and 0 invisible on 1 servers"))
        #expect(lines.contains(":securechat.local 255 alice :I have 3 clients and 0 servers"))
        #expect(Array(lines.suffix(8)) == [
            ":alice!alice@198.51.100.7 JOIN #lobby",
            ":securechat.local 353 alice = #lobby :alice bob",
            ":securechat.local 366 alice #lobby :End of /NAMES list",
            ":alice!alice@198.51.100.7 JOIN #ops",
            ":securechat.local 332 alice #ops Deploys",
            ":securechat.local 333 alice #ops alice 1700000000",
            ":securechat.local 353 alice = #ops :@alice bob",
            ":securechat.local 366 alice #ops :End of /NAMES list",
        ])
        harness.expect([laptop], received: [])
        harness.expect([bob], received: [], "no JOIN for a nick already there")
        #expect(harness.closed.isEmpty)
        #expect(harness.registrations.last == .registered(phone, nick: "alice", account: "alice"))
        #expect(harness.hub.sessions(ofNick: "ALICE") == [laptop, phone])
        #expect(harness.hub.userCount == 2)
        #expect(harness.hub.sessionCount == 3)
    }

    @Test func aSecondSessionFollowsTheNickOutOfTheLobbyAndIntoItsSpelling() {
        var harness = HubHarness()
        let laptop = harness.register("Alice", bound: ["alice"])
        harness.send("PART #lobby", from: laptop)
        harness.send("JOIN #ops", from: laptop)
        harness.clear()
        let phone = harness.connect(bound: ["alice"])
        let lines = harness.replies(to: "NICK ALICE", "USER alice 0 * :Alice", from: phone)
        #expect(lines.first?.hasPrefix(":securechat.local 001 Alice :Welcome") == true)
        #expect(lines.filter { $0.contains(" JOIN ") } == [":Alice!alice@192.0.2.1 JOIN #ops"])
        #expect(harness.hub.nick(of: phone) == "Alice")
    }

    // MARK: Messages

    @Test func channelMessagesReachEverySessionOfEachMemberAndTheSendersSiblings() {
        var harness = HubHarness()
        let laptop = harness.register("alice")
        let phone = harness.register("alice", caps: "echo-message", host: Self.phoneHost)
        let bob = harness.register("bob")
        let bobPhone = harness.register("bob", host: Self.phoneHost)
        let carol = harness.register("carol")

        harness.send("PRIVMSG #lobby :hi", from: laptop)
        let fromLaptop = ":alice!alice@192.0.2.1 PRIVMSG #lobby hi"
        #expect(harness.lastSends.count == 1, "one rendering, one send")
        #expect(harness.take(laptop).isEmpty, "no echo without echo-message")
        harness.expect([phone, bob, bobPhone, carol], received: [fromLaptop])

        harness.send("NOTICE #lobby :from the phone", from: phone)
        let fromPhone = ":alice!alice@198.51.100.7 NOTICE #lobby :from the phone"
        harness.expect([laptop, phone, bob, bobPhone, carol], received: [fromPhone], "each once, the echo included")
    }

    @Test func privateMessagesReachEverySessionOfTheNickAndTheSendersSiblings() {
        var harness = HubHarness()
        let laptop = harness.register("alice")
        let phone = harness.register("alice", caps: "message-tags", host: Self.phoneHost)
        let bob = harness.register("bob")
        let bobPhone = harness.register("bob", caps: "message-tags", host: Self.phoneHost)
        let carol = harness.register("carol")

        harness.send("PRIVMSG ALICE :ping", from: bob)
        let ping = ":bob!bob@192.0.2.1 PRIVMSG alice ping"
        harness.expect([laptop], received: [ping])
        harness.expect([phone], received: ["@msgid=0000100000000 " + ping])
        harness.expect([bobPhone], received: ["@msgid=0000100000000 " + ping], "the sender's sibling sees what it sent")
        harness.expect([bob], received: [])

        harness.send("NOTICE bob :pong", from: laptop)
        let pong = ":alice!alice@192.0.2.1 NOTICE bob pong"
        harness.expect([bob], received: [pong])
        harness.expect([bobPhone, phone], received: ["@msgid=0000100000001 " + pong])
        harness.expect([laptop], received: [])

        harness.send("@+typing=active TAGMSG bob", from: phone)
        #expect(harness.take(bobPhone) == ["@+typing=active;msgid=0000100000002 :alice!alice@198.51.100.7 TAGMSG bob"])
        harness.expect([bob], received: [], "TAGMSG reaches message-tags sessions only")
        harness.expect([laptop], received: [], "siblings too")
        harness.expect([phone], received: [])

        harness.send("PRIVMSG alice :note to self", from: laptop)
        let note = ":alice!alice@192.0.2.1 PRIVMSG alice :note to self"
        harness.expect([laptop], received: [note])
        harness.expect([phone], received: ["@msgid=0000100000003 " + note])
        harness.expect([carol], received: [])
    }

    // MARK: Channels belong to the nick

    @Test func joinAndPartByOneOfThreeSessionsApplyToAll() {
        var harness = HubHarness()
        let sessions = (0..<3).map { harness.register("alice", host: "192.0.2.\($0 + 1)") }
        let bob = harness.register("bob")
        harness.send("JOIN #lobby,#ops", from: bob)
        harness.clear()

        harness.send("JOIN #ops", from: sessions[1])
        let join = ":alice!alice@192.0.2.2 JOIN #ops"
        harness.expect(sessions, received: [
            join,
            ":securechat.local 353 alice = #ops :@bob alice",
            ":securechat.local 366 alice #ops :End of /NAMES list",
        ])
        harness.expect([bob], received: [join], "one JOIN for the nick")
        harness.send("JOIN #ops", from: sessions[2], expecting: [], "the nick is already there")

        harness.send("PART #ops :later", from: sessions[2])
        let part = ":alice!alice@192.0.2.3 PART #ops later"
        harness.expect(sessions + [bob], received: [part])
        harness.send("PRIVMSG #ops :hello?", from: sessions[0], expecting: [
            ":securechat.local 404 alice #ops :Cannot send to channel",
        ])

        harness.send("JOIN 0", from: sessions[0])
        harness.expect(sessions + [bob], received: [":alice!alice@192.0.2.1 PART #lobby"])
    }

    @Test func kickingANickRemovesEverySessionOfIt() {
        var harness = HubHarness()
        let (laptop, phone, bob) = harness.registerLaptopPhoneAndBob()
        harness.send("JOIN #ops", from: bob)
        harness.send("JOIN #ops", from: laptop)
        harness.clear()
        harness.send("KICK #ops alice :out", from: bob)
        let kick = ":bob!bob@192.0.2.1 KICK #ops alice out"
        harness.expect([laptop, phone, bob], received: [kick])
        harness.send("PRIVMSG #ops :let me back", from: phone, expecting: [
            ":securechat.local 404 alice #ops :Cannot send to channel",
        ])
    }

    @Test func theNickQuitsOnlyWhenItsLastSessionLeaves() {
        var harness = HubHarness()
        let (laptop, phone, bob) = harness.registerLaptopPhoneAndBob()
        harness.send("JOIN #ops", from: laptop)
        harness.clear()

        harness.send("QUIT :switching", from: laptop)
        #expect(harness.closed[laptop] == "Quit: switching")
        harness.expect([bob, phone], received: [])
        #expect(harness.hub.sessions(ofNick: "alice") == [phone])
        harness.send("PRIVMSG #lobby :still there?", from: bob)
        harness.expect([phone], received: [":bob!bob@192.0.2.1 PRIVMSG #lobby :still there?"])

        harness.disconnect(phone, reason: "Connection reset by peer")
        harness.expect([bob], received: [":alice!alice@198.51.100.7 QUIT :Connection reset by peer"])
        #expect(harness.hub.sessions(ofNick: "alice").isEmpty)
        #expect(harness.hub.userCount == 1)
        #expect(harness.hub.channelCount == 1, "#ops went with its last member")
        harness.send("WHOIS alice", from: bob)
        #expect(harness.take(bob).first == ":securechat.local 401 bob alice :No such nick/channel")
    }

    // MARK: The cap

    @Test func beyondTheCapTheOldestSessionIsClosed() {
        var harness = HubHarness()
        let bob = harness.register("bob")
        let sessions = (0..<9).map { harness.register("alice", host: "192.0.2.\($0 + 1)") }
        #expect(harness.closed == [sessions[0]: "Closing link: more than 8 sessions for alice; this was the oldest"])
        #expect(harness.hub.sessions(ofNick: "alice") == Array(sessions.dropFirst()))
        harness.expect([bob], received: [])
        #expect(harness.replies(to: "NAMES #lobby", from: bob).first == ":securechat.local 353 bob = #lobby :bob alice")
    }

    @Test func aCapOfOneIsNewestLoginWinsWithoutAQuit() {
        var harness = HubHarness(HubConfiguration(created: HubHarness.epoch, maxSessionsPerNick: 1))
        let old = harness.register("alice")
        let bob = harness.register("bob")
        harness.clear()
        let new = harness.connect(bound: ["alice"])
        harness.send("NICK alice", "USER alice 0 * :A", from: new)
        #expect(harness.closed[old] == "Closing link: more than 1 session for alice; this was the oldest")
        #expect(harness.take(bob).isEmpty, "the nick never left")
        #expect(harness.hub.sessions(ofNick: "alice") == [new])
    }

    // MARK: The allowlist

    @Test func removingOneCertificateClosesOnlyItsSession() {
        var harness = HubHarness()
        let (laptop, phone, bob) = harness.registerLaptopPhoneAndBob()
        harness.clear()
        harness.disallow(phone)
        harness.expect([phone], received: [
            ":securechat.local FAIL * CERT_NOT_ALLOWED :Your certificate is no longer in this server's allowlist"
        ])
        #expect(harness.closed == [phone: "Closing link: certificate no longer allowed"])
        harness.expect([bob, laptop], received: [])
        harness.send("PRIVMSG #lobby :ok?", from: bob)
        harness.expect([laptop], received: [":bob!bob@192.0.2.1 PRIVMSG #lobby ok?"])
    }

    @Test func unbindingTheNickFromOneCertificateClosesOnlyItsSession() {
        var harness = HubHarness()
        let laptop = harness.register("alice")
        let phone = harness.register("alice", bound: ["alice", "alice-phone"], host: Self.phoneHost)
        let bob = harness.register("bob")
        harness.clear()
        harness.updateBindings(phone, ["alice-phone"])
        #expect(harness.closed == [phone: "Closing link: nick alice is no longer bound to your certificate"])
        #expect(harness.take(bob).isEmpty)
        #expect(harness.hub.sessions(ofNick: "alice") == [laptop])
    }
}
