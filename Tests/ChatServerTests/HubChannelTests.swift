import ChatServer
import Foundation
import IRC
import Testing

@Suite struct HubChannelTests {
    @Test func joinCreatesTheChannelWithTheCreatorAsOperator() {
        var harness = HubHarness()
        let (alice, bob, carol) = harness.register("alice", "bob", "carol")
        #expect(harness.replies(to: "JOIN #rust", from: alice) == [
            ":alice!alice@192.0.2.1 JOIN #rust",
            ":securechat.local 353 alice = #rust @alice",
            ":securechat.local 366 alice #rust :End of /NAMES list",
        ])
        #expect(harness.hub.channelCount == 2)
        harness.send("JOIN #Rust,#go", from: bob, expecting: [
            alice: [":bob!bob@192.0.2.1 JOIN #rust"],
            bob: [
                ":bob!bob@192.0.2.1 JOIN #rust",
                ":securechat.local 353 bob = #rust :@alice bob",
                ":securechat.local 366 bob #rust :End of /NAMES list",
                ":bob!bob@192.0.2.1 JOIN #go",
                ":securechat.local 353 bob = #go @bob",
                ":securechat.local 366 bob #go :End of /NAMES list",
            ],
        ])
        #expect(harness.take(carol).isEmpty, "a non-member sees no JOIN")
        #expect(harness.replies(to: "JOIN #rust", from: bob).isEmpty, "joining again does nothing")
    }

    @Test func joinShowsTheTopicToTheJoiner() {
        var harness = HubHarness()
        let (alice, bob) = harness.register("alice", "bob")
        harness.send("JOIN #rust", from: alice)
        harness.now = HubHarness.epoch.addingTimeInterval(60)
        harness.send("TOPIC #rust :Ownership and borrowing", from: alice)
        #expect(Array(harness.replies(to: "JOIN #rust", from: bob).prefix(3)) == [
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
        #expect(harness.replies(to: line, from: alice).contains(":securechat.local 476 alice \(bad) :Bad Channel Mask"))
    }

    @Test func joinPastTheChannelLimitAnswers405() {
        var harness = HubHarness(HubConfiguration(created: HubHarness.epoch, maxChannelsPerUser: 2))
        let alice = harness.register("alice")
        harness.prepare("JOIN #one", from: alice)
        #expect(harness.replies(to: "JOIN #two", from: alice) == [":securechat.local 405 alice #two :You have joined too many channels"])
    }

    @Test func partIsSeenByMembersOnlyAndEmptyChannelsAreDeleted() {
        var (harness, alice, bob, carol) = HubHarness.rustWithCarolOutside()
        let part = ":alice!alice@192.0.2.1 PART #rust :bye now"
        harness.send("PART #rust :bye now", from: alice, expecting: [alice: [part], bob: [part], carol: []])
        #expect(harness.hub.channelCount == 2)
        #expect(harness.replies(to: "PART #rust", from: bob) == [":bob!bob@192.0.2.1 PART #rust"])
        #expect(harness.hub.channelCount == 1)
    }

    @Test func theLobbySurvivesBeingEmpty() {
        var harness = HubHarness()
        let alice = harness.register("alice")
        harness.send("PART #lobby", from: alice)
        #expect(harness.hub.channelCount == 1)
        #expect(harness.replies(to: "JOIN 0", "MODE #lobby", from: alice).contains(":securechat.local 324 alice #lobby +n"))
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
        harness.prepare("JOIN #a,#b", from: alice)
        #expect(harness.replies(to: "JOIN 0", from: alice) == [
            ":alice!alice@192.0.2.1 PART #lobby",
            ":alice!alice@192.0.2.1 PART #a",
            ":alice!alice@192.0.2.1 PART #b",
        ])
        #expect(harness.hub.channelCount == 1)
    }

    // MARK: TOPIC

    @Test func topicNeedsAnOperatorInOrdinaryChannels() {
        let configuration = HubConfiguration(created: HubHarness.epoch, topicLength: 10)
        var (harness, alice, bob, _) = HubHarness.rustWithCarolOutside(HubHarness(configuration))
        harness.prepare("TOPIC #rust", from: bob)
        #expect(harness.replies(to: "TOPIC #rust :bob's topic", from: bob) == [":securechat.local 482 bob #rust :You're not channel operator"])
        harness.send("TOPIC #rust :héllo wörld, long", from: alice, announcing: [":alice!alice@192.0.2.1 TOPIC #rust :héllo wö"], to: [alice, bob])
        #expect(harness.replies(to: "TOPIC #rust", from: bob) == [
            ":securechat.local 332 bob #rust :héllo wö",
            ":securechat.local 333 bob #rust alice 1700000000",
        ])
        harness.send("TOPIC #rust :", from: alice)
        #expect(harness.replies(to: "TOPIC #rust", from: bob) == [
            ":alice!alice@192.0.2.1 TOPIC #rust :",
            ":securechat.local 331 bob #rust :No topic is set",
        ])
    }

    // MARK: KICK

    @Test func operatorKicksAndEveryMemberSeesIt() {
        var harness = HubHarness()
        let (alice, bob, carol) = harness.register("alice", "bob", "carol")
        harness.channel("#rust", members: [alice, bob, carol])
        let kicks = [
            ":alice!alice@192.0.2.1 KICK #rust bob :be nice",
            ":alice!alice@192.0.2.1 KICK #rust carol :be nice",
        ]
        harness.send("KICK #rust bob,carol :be nice", from: alice, expecting: [alice: kicks, carol: kicks, bob: [kicks[0]]])
        #expect(harness.replies(to: "NAMES #rust", from: alice).first == ":securechat.local 353 alice = #rust @alice")
        #expect(harness.replies(to: "PRIVMSG #rust :still here?", from: bob) == [":securechat.local 404 bob #rust :Cannot send to channel"])
    }

    // MARK: One line in #rust

    /// A line that alice (operator of #rust), bob (a member) or carol (outside #rust; all
    /// three in #lobby) sends, and what each of them is sent for it.
    struct Exchange: Sendable, CustomTestStringConvertible {
        let sender: String
        let line: String
        var alice: [String] = []
        var bob: [String] = []
        var carol: [String] = []
        var testDescription: String { "\(sender): \(line)" }

        static func bob(_ line: String, answered replies: String...) -> Exchange {
            Exchange(sender: "bob", line: line, bob: replies)
        }
    }

    @Test(arguments: [
        Exchange.bob("MODE #rust", answered: ":securechat.local 324 bob #rust +nt", ":securechat.local 329 bob #rust 1700000000"),
        Exchange.bob("MODE #lobby", answered: ":securechat.local 324 bob #lobby +n", ":securechat.local 329 bob #lobby 1700000000"),
        Exchange.bob("MODE #rust b", answered: ":securechat.local 368 bob #rust :End of channel ban list"),
        Exchange.bob("MODE #rust +b", answered: ":securechat.local 368 bob #rust :End of channel ban list"),
        Exchange.bob("MODE #rust +k secret", answered: ":securechat.local 482 bob #rust :You're not channel operator"),
        Exchange.bob("MODE #rust -t", answered: ":securechat.local 482 bob #rust :You're not channel operator"),
        Exchange.bob("MODE #rust +z", answered: ":securechat.local 472 bob z :is unknown mode char to me"),
        Exchange.bob("MODE #rust +nt", answered: ":securechat.local 482 bob #rust :You're not channel operator"),
        Exchange.bob("MODE #rust +o bob", answered: ":securechat.local 482 bob #rust :You're not channel operator"),
        Exchange.bob("MODE bob", answered: ":securechat.local 221 bob +"),
        Exchange.bob("MODE bob +i", answered: ":bob!bob@192.0.2.1 MODE bob +i"),
        Exchange.bob("MODE bob +x", answered: ":securechat.local 501 bob :Unknown MODE flag"),
        Exchange.bob("MODE alice +i", answered: ":securechat.local 502 bob :Can't change mode for other users"),
        Exchange.bob("MODE nobody", answered: ":securechat.local 401 bob nobody :No such nick/channel"),
        Exchange.bob("KICK #rust alice", answered: ":securechat.local 482 bob #rust :You're not channel operator"),
        Exchange.bob("KICK #lobby alice", answered: ":securechat.local 482 bob #lobby :You're not channel operator"),
        Exchange(sender: "alice", line: "KICK #rust carol", alice: [":securechat.local 441 alice carol #rust :They aren't on that channel"]),
        Exchange(sender: "alice", line: "KICK #rust nobody", alice: [":securechat.local 401 alice nobody :No such nick/channel"]),
        Exchange(
            sender: "alice", line: "KICK #rust bob",
            alice: [":alice!alice@192.0.2.1 KICK #rust bob alice"],
            bob: [":alice!alice@192.0.2.1 KICK #rust bob alice"]
        ),
        Exchange(
            sender: "bob", line: "TOPIC #lobby :Welcome",
            alice: [":bob!bob@192.0.2.1 TOPIC #lobby Welcome"],
            bob: [":bob!bob@192.0.2.1 TOPIC #lobby Welcome"],
            carol: [":bob!bob@192.0.2.1 TOPIC #lobby Welcome"]
        ),
    ])
    func oneLineInRust(_ exchange: Exchange) {
        var (harness, alice, bob, carol) = HubHarness.rustWithCarolOutside()
        let sessions = ["alice": alice, "bob": bob, "carol": carol]
        harness.send(exchange.line, from: sessions[exchange.sender]!, expecting: [
            alice: exchange.alice,
            bob: exchange.bob,
            carol: exchange.carol,
        ])
    }

    // MARK: MODE

    @Test func invisibleUsersAreCountedApart() {
        var harness = HubHarness()
        let alice = harness.register("alice")
        #expect(harness.replies(to: "MODE alice +i", "MODE alice", "LUSERS", "MODE alice -i", from: alice) == [
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
        var (harness, alice, bob, carol) = HubHarness.rustWithCarolOutside()
        let given = ":alice!alice@192.0.2.1 MODE #rust +o bob"
        harness.send("MODE #rust +o bob", from: alice, expecting: [alice: [given], bob: [given], carol: []])
        harness.send("MODE #rust -o+o alice bob", from: bob,
                     announcing: [":bob!bob@192.0.2.1 MODE #rust -o alice"], to: [alice, bob], "+o on an operator changes nothing")
        #expect(harness.replies(to: "TOPIC #rust :bob rules", from: alice) == [":securechat.local 482 alice #rust :You're not channel operator"])
        #expect(harness.replies(to: "MODE #rust +o carol", from: bob) == [":securechat.local 441 bob carol #rust :They aren't on that channel"])
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
        let lines = harness.replies(to: "NAMES #lobby", from: asker)
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
        var (harness, alice) = HubHarness.aliceAlone(in: "#rust")
        #expect(harness.replies(to: "NAMES", from: alice) == [
            ":securechat.local 353 alice = #lobby alice",
            ":securechat.local 353 alice = #rust @alice",
            ":securechat.local 366 alice * :End of /NAMES list",
        ])
        #expect(harness.replies(to: "NAMES #nowhere", from: alice) == [":securechat.local 366 alice #nowhere :End of /NAMES list"])
    }

    @Test func listShowsCountsAndTopics() {
        var harness = HubHarness()
        let (alice, _) = harness.register("alice", "bob")
        harness.prepare("JOIN #rust", "TOPIC #rust :Crabs", from: alice)
        #expect(harness.replies(to: "LIST", from: alice) == [
            ":securechat.local 322 alice #lobby 2 :",
            ":securechat.local 322 alice #rust 1 Crabs",
            ":securechat.local 323 alice :End of /LIST",
        ])
        #expect(harness.replies(to: "LIST #rust,#nowhere", from: alice) == [
            ":securechat.local 322 alice #rust 1 Crabs",
            ":securechat.local 323 alice :End of /LIST",
        ])
    }
}
