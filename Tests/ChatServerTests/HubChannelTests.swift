import ChatServer
import Foundation
import IRC
import Testing

@Suite struct HubChannelTests {
    @Test func joinCreatesTheChannelWithTheCreatorAsOperator() {
        var harness = HubHarness()
        let (alice, bob, carol) = harness.register("alice", "bob", "carol")
        harness.send("JOIN #rust", from: alice)
        #expect(harness.take(alice) == [
            ":alice!alice@192.0.2.1 JOIN #rust",
            ":securechat.local 353 alice = #rust @alice",
            ":securechat.local 366 alice #rust :End of /NAMES list",
        ])
        #expect(harness.hub.channelCount == 2)
        harness.send("JOIN #Rust,#go", from: bob)
        #expect(harness.take(alice) == [":bob!bob@192.0.2.1 JOIN #rust"])
        #expect(harness.take(bob) == [
            ":bob!bob@192.0.2.1 JOIN #rust",
            ":securechat.local 353 bob = #rust :@alice bob",
            ":securechat.local 366 bob #rust :End of /NAMES list",
            ":bob!bob@192.0.2.1 JOIN #go",
            ":securechat.local 353 bob = #go @bob",
            ":securechat.local 366 bob #go :End of /NAMES list",
        ])
        #expect(harness.take(carol).isEmpty, "a non-member sees no JOIN")
        harness.send("JOIN #rust", from: bob)
        #expect(harness.take(bob).isEmpty, "joining again does nothing")
    }

    @Test func joinShowsTheTopicToTheJoiner() {
        var harness = HubHarness()
        let (alice, bob) = harness.register("alice", "bob")
        harness.send("JOIN #rust", from: alice)
        harness.now = HubHarness.epoch.addingTimeInterval(60)
        harness.send("TOPIC #rust :Ownership and borrowing", from: alice)
        harness.send("JOIN #rust", from: bob)
        #expect(Array(harness.take(bob).prefix(3)) == [
            ":bob!bob@192.0.2.1 JOIN #rust",
            ":securechat.local 332 bob #rust :Ownership and borrowing",
            ":securechat.local 333 bob #rust alice 1700000060",
        ])
    }

    @Test(arguments: [
        ("JOIN rust", "rust"),
        ("JOIN #", "#"),
        ("JOIN #a,b", "b"),
        ("JOIN #" + String(repeating: "x", count: 50), "#" + String(repeating: "x", count: 50)),
    ])
    func joinRefusesBadChannelNames(line: String, bad: String) {
        var harness = HubHarness()
        let alice = harness.register("alice")
        harness.send(line, from: alice)
        #expect(harness.take(alice).contains(":securechat.local 476 alice \(bad) :Bad Channel Mask"))
    }

    @Test func joinPastTheChannelLimitAnswers405() {
        var harness = HubHarness(HubConfiguration(created: HubHarness.epoch, maxChannelsPerUser: 2))
        let alice = harness.register("alice")
        harness.send("JOIN #one", from: alice)
        _ = harness.take(alice)
        harness.send("JOIN #two", from: alice)
        #expect(harness.take(alice) == [":securechat.local 405 alice #two :You have joined too many channels"])
    }

    @Test func partIsSeenByMembersOnlyAndEmptyChannelsAreDeleted() {
        var harness = HubHarness()
        let (alice, bob, carol) = harness.register("alice", "bob", "carol")
        harness.channel("#rust", members: [alice, bob])
        harness.send("PART #rust :bye now", from: alice)
        harness.expect([alice, bob], received: [":alice!alice@192.0.2.1 PART #rust :bye now"])
        #expect(harness.take(carol).isEmpty)
        #expect(harness.hub.channelCount == 2)
        harness.send("PART #rust", from: bob)
        #expect(harness.take(bob) == [":bob!bob@192.0.2.1 PART #rust"])
        #expect(harness.hub.channelCount == 1)
    }

    @Test func theLobbySurvivesBeingEmpty() {
        var harness = HubHarness()
        let alice = harness.register("alice")
        harness.send("PART #lobby", from: alice)
        #expect(harness.hub.channelCount == 1)
        harness.send("JOIN 0", "MODE #lobby", from: alice)
        #expect(harness.take(alice).contains(":securechat.local 324 alice #lobby +n"))
    }

    @Test(arguments: [
        ("PART #nowhere", ":securechat.local 403 alice #nowhere :No such channel"),
        ("PART #rust", ":securechat.local 442 alice #rust :You're not on that channel"),
        ("TOPIC #nowhere", ":securechat.local 403 alice #nowhere :No such channel"),
        ("TOPIC #rust :mine now", ":securechat.local 442 alice #rust :You're not on that channel"),
        ("KICK #rust bob", ":securechat.local 442 alice #rust :You're not on that channel"),
        ("KICK #nowhere bob", ":securechat.local 403 alice #nowhere :No such channel"),
        ("MODE #nowhere", ":securechat.local 403 alice #nowhere :No such channel"),
    ])
    func channelErrorsForNonMembers(line: String, reply: String) {
        #expect(HubHarness.repliesOutsideAChannel(to: line) == [reply])
    }

    @Test func joinZeroPartsEveryChannel() {
        var harness = HubHarness()
        let alice = harness.register("alice")
        harness.send("JOIN #a,#b", from: alice)
        harness.clear()
        harness.send("JOIN 0", from: alice)
        #expect(harness.take(alice) == [
            ":alice!alice@192.0.2.1 PART #lobby",
            ":alice!alice@192.0.2.1 PART #a",
            ":alice!alice@192.0.2.1 PART #b",
        ])
        #expect(harness.hub.channelCount == 1)
    }

    // MARK: TOPIC

    @Test func topicNeedsAnOperatorInOrdinaryChannels() {
        var harness = HubHarness(HubConfiguration(created: HubHarness.epoch, topicLength: 10))
        let (alice, bob) = harness.register("alice", "bob")
        harness.channel("#rust", members: [alice, bob])
        harness.send("TOPIC #rust", from: bob)
        harness.clear()
        harness.send("TOPIC #rust :bob's topic", from: bob)
        #expect(harness.take(bob) == [":securechat.local 482 bob #rust :You're not channel operator"])
        harness.send("TOPIC #rust :héllo wörld, long", from: alice)
        harness.expect([alice, bob], received: [":alice!alice@192.0.2.1 TOPIC #rust :héllo wö"])
        harness.send("TOPIC #rust", from: bob)
        #expect(harness.take(bob) == [
            ":securechat.local 332 bob #rust :héllo wö",
            ":securechat.local 333 bob #rust alice 1700000000",
        ])
        harness.send("TOPIC #rust :", from: alice)
        harness.send("TOPIC #rust", from: bob)
        #expect(harness.take(bob) == [
            ":alice!alice@192.0.2.1 TOPIC #rust :",
            ":securechat.local 331 bob #rust :No topic is set",
        ])
    }

    @Test func anyMemberMaySetTheLobbyTopic() {
        var harness = HubHarness()
        let (alice, bob) = harness.register("alice", "bob")
        harness.send("TOPIC #lobby :Welcome", from: bob)
        harness.expect([alice, bob], received: [":bob!bob@192.0.2.1 TOPIC #lobby Welcome"])
    }

    // MARK: KICK

    @Test func operatorKicksAndEveryMemberSeesIt() {
        var harness = HubHarness()
        let (alice, bob, carol) = harness.register("alice", "bob", "carol")
        harness.channel("#rust", members: [alice, bob, carol])
        harness.send("KICK #rust bob,carol :be nice", from: alice)
        let expected = [
            ":alice!alice@192.0.2.1 KICK #rust bob :be nice",
            ":alice!alice@192.0.2.1 KICK #rust carol :be nice",
        ]
        harness.expect([alice, carol], received: expected)
        #expect(harness.take(bob) == [expected[0]])
        harness.send("NAMES #rust", from: alice)
        #expect(harness.take(alice).first == ":securechat.local 353 alice = #rust @alice")
        harness.send("PRIVMSG #rust :still here?", from: bob)
        #expect(harness.take(bob) == [":securechat.local 404 bob #rust :Cannot send to channel"])
    }

    @Test func kickWithoutAReasonUsesTheKickersNick() {
        var harness = HubHarness()
        let (alice, bob) = harness.register("alice", "bob")
        harness.channel("#rust", members: [alice, bob])
        harness.send("KICK #rust bob", from: alice)
        #expect(harness.take(bob) == [":alice!alice@192.0.2.1 KICK #rust bob alice"])
    }

    @Test(arguments: [
        ("bob", "KICK #rust alice", ":securechat.local 482 bob #rust :You're not channel operator"),
        ("alice", "KICK #rust carol", ":securechat.local 441 alice carol #rust :They aren't on that channel"),
        ("alice", "KICK #rust nobody", ":securechat.local 401 alice nobody :No such nick/channel"),
        ("bob", "KICK #lobby alice", ":securechat.local 482 bob #lobby :You're not channel operator"),
    ])
    func kickErrors(kicker: String, line: String, reply: String) {
        var harness = HubHarness()
        let (alice, bob, _) = harness.register("alice", "bob", "carol")
        harness.channel("#rust", members: [alice, bob])
        let session = kicker == "alice" ? alice : bob
        harness.send(line, from: session)
        #expect(harness.take(session) == [reply])
        #expect(harness.take(kicker == "alice" ? bob : alice).isEmpty)
    }

    // MARK: MODE

    @Test(arguments: [
        ("MODE #rust", [":securechat.local 324 bob #rust +nt", ":securechat.local 329 bob #rust 1700000000"]),
        ("MODE #lobby", [":securechat.local 324 bob #lobby +n", ":securechat.local 329 bob #lobby 1700000000"]),
        ("MODE #rust b", [":securechat.local 368 bob #rust :End of channel ban list"]),
        ("MODE #rust +b", [":securechat.local 368 bob #rust :End of channel ban list"]),
        ("MODE #rust +k secret", [":securechat.local 482 bob #rust :You're not channel operator"]),
        ("MODE #rust -t", [":securechat.local 482 bob #rust :You're not channel operator"]),
        ("MODE #rust +z", [":securechat.local 472 bob z :is unknown mode char to me"]),
        ("MODE #rust +nt", [":securechat.local 482 bob #rust :You're not channel operator"]),
        ("MODE #rust +o bob", [":securechat.local 482 bob #rust :You're not channel operator"]),
        ("MODE bob", [":securechat.local 221 bob +"]),
        ("MODE bob +i", [":bob!bob@192.0.2.1 MODE bob +i"]),
        ("MODE bob +x", [":securechat.local 501 bob :Unknown MODE flag"]),
        ("MODE alice +i", [":securechat.local 502 bob :Can't change mode for other users"]),
        ("MODE nobody", [":securechat.local 401 bob nobody :No such nick/channel"]),
    ])
    func modeReplies(line: String, replies: [String]) {
        var harness = HubHarness()
        let (alice, bob) = harness.register("alice", "bob")
        harness.channel("#rust", members: [alice, bob])
        harness.send(line, from: bob)
        #expect(harness.take(bob) == replies)
        #expect(harness.take(alice).isEmpty)
    }

    @Test func invisibleUsersAreCountedApart() {
        var harness = HubHarness()
        let alice = harness.register("alice")
        harness.send("MODE alice +i", "MODE alice", "LUSERS", "MODE alice -i", from: alice)
        #expect(harness.take(alice) == [
            ":alice!alice@192.0.2.1 MODE alice +i",
            ":securechat.local 221 alice +i",
            ":securechat.local 251 alice :There are 0 users and 1 invisible on 1 servers",
            ":securechat.local 254 alice 1 :channels formed",
            ":securechat.local 255 alice :I have 1 clients and 0 servers",
            ":securechat.local 265 alice 1 1 :Current local users 1, max 1",
            ":securechat.local 266 alice 1 1 :Current global users 1, max 1",
            ":alice!alice@192.0.2.1 MODE alice -i",
        ])
    }

    @Test func operatorGivesAndTakesOperatorStatus() {
        var harness = HubHarness()
        let (alice, bob, carol) = harness.register("alice", "bob", "carol")
        harness.channel("#rust", members: [alice, bob])
        harness.send("MODE #rust +o bob", from: alice)
        harness.expect([alice, bob], received: [":alice!alice@192.0.2.1 MODE #rust +o bob"])
        #expect(harness.take(carol).isEmpty)
        harness.send("MODE #rust -o+o alice bob", from: bob)
        #expect(harness.take(alice) == [":bob!bob@192.0.2.1 MODE #rust -o alice"], "+o on an operator changes nothing")
        #expect(harness.take(bob) == [":bob!bob@192.0.2.1 MODE #rust -o alice"])
        harness.send("TOPIC #rust :bob rules", from: alice)
        #expect(harness.take(alice) == [":securechat.local 482 alice #rust :You're not channel operator"])
        harness.send("MODE #rust +o carol", from: bob)
        #expect(harness.take(bob) == [":securechat.local 441 bob carol #rust :They aren't on that channel"])
    }

    // MARK: NAMES and LIST

    @Test func namesOfAChannelOf300MembersSplitsUnder512Bytes() throws {
        var harness = HubHarness()
        var sessions: [SessionID] = []
        for index in 0..<300 {
            let nick = "member\(index)_" + String(repeating: "x", count: 20)
            sessions.append(harness.register(nick))
        }
        let asker = sessions[0]
        harness.clear()
        harness.send("NAMES #lobby", from: asker)
        let lines = harness.take(asker)
        let nameLines = lines.filter { $0.contains(" 353 ") }
        #expect(nameLines.count > 1)
        #expect(lines.last == ":securechat.local 366 member0_xxxxxxxxxxxxxxxxxxxx #lobby :End of /NAMES list")
        var names: [String] = []
        for line in nameLines {
            #expect(line.utf8.count <= 510)
            let message = try IRCMessage(parsing: Array(line.utf8))
            #expect(message.params.prefix(3) == [message.params[0], "=", "#lobby"])
            names += message.params[3].split(separator: " ").map(String.init)
        }
        #expect(names == (0..<300).map { "member\($0)_" + String(repeating: "x", count: 20) }, "join order, nobody lost")
    }

    @Test func namesWithoutArgumentsListsEveryChannelAndEndsOnce() {
        var harness = HubHarness()
        let alice = harness.register("alice")
        harness.channel("#rust", members: [alice])
        harness.send("NAMES", from: alice)
        #expect(harness.take(alice) == [
            ":securechat.local 353 alice = #lobby alice",
            ":securechat.local 353 alice = #rust @alice",
            ":securechat.local 366 alice * :End of /NAMES list",
        ])
        harness.send("NAMES #nowhere", from: alice)
        #expect(harness.take(alice) == [":securechat.local 366 alice #nowhere :End of /NAMES list"])
    }

    @Test func listShowsCountsAndTopics() {
        var harness = HubHarness()
        let (alice, _) = harness.register("alice", "bob")
        harness.send("JOIN #rust", "TOPIC #rust :Crabs", from: alice)
        harness.clear()
        harness.send("LIST", from: alice)
        #expect(harness.take(alice) == [
            ":securechat.local 322 alice #lobby 2 :",
            ":securechat.local 322 alice #rust 1 Crabs",
            ":securechat.local 323 alice :End of /LIST",
        ])
        harness.send("LIST #rust,#nowhere", from: alice)
        #expect(harness.take(alice) == [
            ":securechat.local 322 alice #rust 1 Crabs",
            ":securechat.local 323 alice :End of /LIST",
        ])
    }
}
