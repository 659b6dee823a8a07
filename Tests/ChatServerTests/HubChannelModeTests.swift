import ChatServer
import Foundation
import IRC
import Testing

/// Channel modes n, t, i, k, l, m, s and member status o, v; bans are in HubBanTests.
@Suite struct HubChannelModeTests {
    static let server = ":securechat.local"

    @Test func operatorUnsetsAndSetsTopicProtection() {
        var (harness, alice, bob, _) = HubHarness.rustWithCarolOutside()
        harness.send("MODE #rust -t", from: alice, announcing: [":alice!alice@192.0.2.1 MODE #rust -t"], to: [alice, bob])
        harness.send("TOPIC #rust :open to all", from: bob, announcing: [":bob!bob@192.0.2.1 TOPIC #rust :open to all"], to: [alice, bob])
        #expect(harness.replies(to: "MODE #rust", from: bob) == ["\(Self.server) 324 bob #rust +n", "\(Self.server) 329 bob #rust 1700000000"])
        harness.send("MODE #rust +t", from: alice, announcing: [":alice!alice@192.0.2.1 MODE #rust +t"], to: [alice, bob])
        #expect(harness.replies(to: "TOPIC #rust :mine", from: bob) == ["\(Self.server) 482 bob #rust :You're not channel operator"])
        #expect(harness.replies(to: "MODE #rust +t", from: alice).isEmpty, "setting what holds changes nothing and announces nothing")
    }

    @Test func withoutNoOutsideMessagesNonMembersMaySend() {
        var (harness, alice, bob, carol) = HubHarness.rustWithCarolOutside()
        #expect(harness.replies(to: "PRIVMSG #rust :from outside", from: carol) == ["\(Self.server) 404 carol #rust :Cannot send to channel"])
        harness.prepare("MODE #rust -n", from: alice)
        harness.send("PRIVMSG #rust :from outside", from: carol, expecting: [
            alice: [":carol!carol@192.0.2.1 PRIVMSG #rust :from outside"],
            bob: [":carol!carol@192.0.2.1 PRIVMSG #rust :from outside"],
            carol: [],
        ])
    }

    @Test func inviteOnlyChannelNeedsAnInvitation() {
        var (harness, alice, bob, carol) = HubHarness.rustWithCarolOutside()
        harness.send("MODE #rust +i", from: alice, announcing: [":alice!alice@192.0.2.1 MODE #rust +i"], to: [alice, bob])
        #expect(harness.replies(to: "JOIN #rust", from: carol) == ["\(Self.server) 473 carol #rust :Cannot join channel (+i)"])
        #expect(harness.replies(to: "INVITE carol #rust", from: bob) == ["\(Self.server) 482 bob #rust :You're not channel operator"])
        harness.send("INVITE carol #rust", from: alice, expecting: [
            alice: ["\(Self.server) 341 alice carol #rust"],
            carol: [":alice!alice@192.0.2.1 INVITE carol #rust"],
        ])
        #expect(harness.take(bob).isEmpty, "members without invite-notify are not told")
        harness.send("JOIN #rust", from: carol, expecting: [alice: [":carol!carol@192.0.2.1 JOIN #rust"]])
        #expect(harness.replies(to: "PART #rust", "JOIN #rust", from: carol).last == "\(Self.server) 473 carol #rust :Cannot join channel (+i)", "an invitation is used once")
    }

    @Test(arguments: [
        ("INVITE nobody #rust", "401 alice nobody :No such nick/channel"),
        ("INVITE carol #nowhere", "403 alice #nowhere :No such channel"),
        ("INVITE bob #rust", "443 alice bob #rust :is already on channel"),
        ("INVITE carol #ops", "442 alice #ops :You're not on that channel"),
        ("INVITE carol", "461 alice INVITE :Not enough parameters"),
    ])
    func inviteErrors(line: String, reply: String) {
        var (harness, alice, bob, carol) = HubHarness.rustWithCarolOutside()
        harness.channel("#ops", members: [bob])
        harness.send(line, from: alice, expecting: [alice: ["\(Self.server) \(reply)"], carol: []])
    }

    @Test func inviteNotifyTellsThoseWhoCouldHaveInvited() {
        var harness = HubHarness()
        let alice = harness.register("alice")
        let dave = harness.register("dave", caps: "invite-notify")
        let erin = harness.register("erin", caps: "invite-notify")
        let carol = harness.register("carol")
        harness.channel("#rust", members: [alice, dave, erin])
        harness.prepare("MODE #rust +o erin", from: alice)
        let invite = ":alice!alice@192.0.2.1 INVITE carol #rust"
        harness.send("INVITE carol #rust", from: alice, announcing: [invite], to: [carol, dave, erin])
        harness.prepare("MODE #rust +i", from: alice)
        harness.send("INVITE carol #rust", from: alice)
        #expect(harness.take(erin) == [invite], "an operator is told on +i")
        #expect(harness.take(dave).isEmpty, "a member who could not invite is not, on +i")
    }

    @Test func keyIsNeededToJoinAndShownToMembersOnly() {
        var (harness, alice, bob, carol) = HubHarness.rustWithCarolOutside()
        harness.send("MODE #rust +k sekrit", from: alice, announcing: [":alice!alice@192.0.2.1 MODE #rust +k sekrit"], to: [alice, bob])
        #expect(harness.replies(to: "JOIN #rust", "JOIN #rust wrong", "MODE #rust", from: carol) == [
            "\(Self.server) 475 carol #rust :Cannot join channel (+k)",
            "\(Self.server) 475 carol #rust :Cannot join channel (+k)",
            "\(Self.server) 324 carol #rust +ntk *",
            "\(Self.server) 329 carol #rust 1700000000",
        ])
        #expect(harness.replies(to: "MODE #rust", from: bob).first == "\(Self.server) 324 bob #rust +ntk sekrit")
        #expect(harness.replies(to: "MODE #rust +k other", from: alice) == ["\(Self.server) 467 alice #rust :Channel key already set; remove it with -k first"])
        #expect(harness.replies(to: "MODE #rust +k", from: alice) == ["\(Self.server) 461 alice MODE :Not enough parameters"])
        harness.send("JOIN #go,#rust ,sekrit", from: carol, expecting: [alice: [":carol!carol@192.0.2.1 JOIN #rust"]])
        harness.clear()
        harness.send("MODE #rust -k *", from: alice, announcing: [":alice!alice@192.0.2.1 MODE #rust -k *"], to: [alice, bob, carol])
    }

    @Test(arguments: ["a,b", ":x", String(repeating: "k", count: 33)])
    func malformedKeysAreRefused(key: String) {
        var (harness, alice, _, _) = HubHarness.rustWithCarolOutside()
        #expect(harness.replies(to: "MODE #rust +k \(key.hasPrefix(":") ? ":" + key : key)", from: alice) == [
            "\(Self.server) 525 alice #rust :Key is not well-formed: 1 to 32 bytes, no comma"
        ])
    }

    @Test func limitKeepsOutTheMemberTooMany() {
        var (harness, alice, bob, carol) = HubHarness.rustWithCarolOutside()
        harness.send("MODE #rust +l 2", from: alice, announcing: [":alice!alice@192.0.2.1 MODE #rust +l 2"], to: [alice, bob])
        #expect(harness.replies(to: "JOIN #rust", from: carol) == ["\(Self.server) 471 carol #rust :Cannot join channel (+l)"])
        #expect(harness.replies(to: "MODE #rust +l many", from: alice) == [
            "\(Self.server) 696 alice #rust l many :The limit must be a whole number from 1 to 1000000"
        ])
        harness.send("MODE #rust -l", from: alice, announcing: [":alice!alice@192.0.2.1 MODE #rust -l"], to: [alice, bob])
        harness.send("JOIN #rust", from: carol, expecting: [alice: [":carol!carol@192.0.2.1 JOIN #rust"]])
    }

    /// `restriction` keeps bob from speaking in #rust; `permission` lets him speak again.
    @Test(arguments: [
        ("MODE #rust +m", "MODE #rust +v bob"),
        ("MODE #rust +b bob", "MODE #rust +e ~a:bob"),
        ("MODE #rust +b bob", "MODE #rust +v bob"),
    ])
    func aSilencedMemberSpeaksOnceVoicedOrExcepted(restriction: String, permission: String) {
        var (harness, alice, bob, _) = HubHarness.rustWithCarolOutside()
        harness.prepare(restriction, from: alice)
        harness.send("PRIVMSG #rust :may I?", from: bob, expecting: [bob: ["\(Self.server) 404 bob #rust :Cannot send to channel"], alice: []])
        harness.send(permission, from: alice, announcing: [":alice!alice@192.0.2.1 \(permission)"], to: [alice, bob])
        harness.send("PRIVMSG #rust :thanks", from: bob, expecting: [alice: [":bob!bob@192.0.2.1 PRIVMSG #rust thanks"]])
    }

    @Test func aModeratedChannelListsItsVoicedMembers() {
        var (harness, alice, bob, _) = HubHarness.rustWithCarolOutside()
        harness.prepare("MODE #rust +m", "MODE #rust +v bob", from: alice)
        #expect(harness.replies(to: "NAMES #rust", "WHO #rust", from: bob) == [
            "\(Self.server) 353 bob = #rust :@alice +bob",
            "\(Self.server) 366 bob #rust :End of /NAMES list",
            "\(Self.server) 352 bob #rust alice 192.0.2.1 securechat.local alice H@ :0 alice Example",
            "\(Self.server) 352 bob #rust bob 192.0.2.1 securechat.local bob H+ :0 bob Example",
            "\(Self.server) 315 bob #rust :End of WHO list",
        ])
    }

    @Test func multiPrefixShowsEveryPrefix() {
        var (harness, alice) = HubHarness.aliceAlone(in: "#rust", caps: "multi-prefix")
        #expect(harness.replies(to: "MODE #rust +v alice", "NAMES #rust", from: alice).dropFirst().first == "\(Self.server) 353 alice = #rust @+alice")
    }

    @Test func secretChannelIsHiddenFromNonMembers() {
        var (harness, alice, _, carol) = HubHarness.rustWithCarolOutside()
        harness.prepare("MODE #rust +s", from: alice)
        let seen = harness.replies(to: "LIST", "NAMES #rust", "WHO #rust", "WHOIS alice", "TOPIC #rust", from: carol)
        #expect(!seen.contains { $0.contains(" 322 ") && $0.contains("#rust") })
        #expect(seen.contains("\(Self.server) 366 carol #rust :End of /NAMES list"))
        #expect(!seen.contains { $0.contains(" 353 ") || $0.contains(" 352 ") })
        #expect(seen.contains("\(Self.server) 319 carol alice #lobby"))
        #expect(seen.contains("\(Self.server) 442 carol #rust :You're not on that channel"))
        let member = harness.replies(to: "WHOIS alice", "NAMES #rust", "LIST", from: alice)
        #expect(member.contains("\(Self.server) 319 alice alice :#lobby @#rust"))
        #expect(member.contains("\(Self.server) 353 alice @ #rust :@alice bob"))
        #expect(member.contains { $0.contains(" 322 alice #rust ") })
    }

    @Test func modeChangesAreAnnouncedAsOneLineOfWhatChanged() {
        var (harness, alice, bob, _) = HubHarness.rustWithCarolOutside()
        harness.send("MODE #rust +tmzz-n+vk bob sekrit", from: alice, expecting: [
            alice: ["\(Self.server) 472 alice z :is unknown mode char to me", ":alice!alice@192.0.2.1 MODE #rust +m-n+vk bob sekrit"],
            bob: [":alice!alice@192.0.2.1 MODE #rust +m-n+vk bob sekrit"],
        ])
        #expect(harness.replies(to: "MODE #rust", from: alice).first == "\(Self.server) 324 alice #rust +mtk sekrit")
    }

    @Test func atMostFourChangesWithAParameterCount() {
        var (harness, alice, bob, _) = HubHarness.rustWithCarolOutside()
        harness.send("MODE #rust +bbbbb a b c d e", from: alice,
                     announcing: [":alice!alice@192.0.2.1 MODE #rust +bbbb a!*@* b!*@* c!*@* d!*@*"], to: [alice, bob])
    }

    @Test func aNonMemberIsToldItIsNotOnTheChannel() {
        var (harness, _, _, carol) = HubHarness.rustWithCarolOutside()
        #expect(harness.replies(to: "MODE #rust +im", from: carol) == ["\(Self.server) 442 carol #rust :You're not on that channel"])
    }
}
