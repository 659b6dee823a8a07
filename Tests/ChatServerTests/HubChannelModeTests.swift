import ChatServer
import Foundation
import IRC
import Testing

/// Channel modes n, t, i, k, l, m, s and member status o, v; bans are in HubBanTests.
@Suite struct HubChannelModeTests {
    static let server = ":securechat.local"

    /// alice (operator) and bob in #rust, carol outside; every log empty.
    static func rustWithCarolOutside() -> (HubHarness, SessionID, SessionID, SessionID) {
        var harness = HubHarness()
        let (alice, bob, carol) = harness.register("alice", "bob", "carol")
        harness.channel("#rust", members: [alice, bob])
        return (harness, alice, bob, carol)
    }

    @Test func operatorUnsetsAndSetsTopicProtection() {
        var (harness, alice, bob, _) = Self.rustWithCarolOutside()
        harness.send("MODE #rust -t", from: alice)
        harness.expect([alice, bob], received: [":alice!alice@192.0.2.1 MODE #rust -t"])
        harness.send("TOPIC #rust :open to all", from: bob)
        harness.expect([alice, bob], received: [":bob!bob@192.0.2.1 TOPIC #rust :open to all"])
        harness.send("MODE #rust", from: bob)
        #expect(harness.take(bob) == ["\(Self.server) 324 bob #rust +n", "\(Self.server) 329 bob #rust 1700000000"])
        harness.send("MODE #rust +t", from: alice)
        harness.expect([alice, bob], received: [":alice!alice@192.0.2.1 MODE #rust +t"])
        harness.send("TOPIC #rust :mine", from: bob)
        #expect(harness.take(bob) == ["\(Self.server) 482 bob #rust :You're not channel operator"])
        harness.send("MODE #rust +t", from: alice)
        #expect(harness.take(alice).isEmpty, "setting what holds changes nothing and announces nothing")
    }

    @Test func withoutNoOutsideMessagesNonMembersMaySend() {
        var (harness, alice, bob, carol) = Self.rustWithCarolOutside()
        harness.send("PRIVMSG #rust :from outside", from: carol)
        #expect(harness.take(carol) == ["\(Self.server) 404 carol #rust :Cannot send to channel"])
        harness.send("MODE #rust -n", from: alice)
        harness.clear()
        harness.send("PRIVMSG #rust :from outside", from: carol)
        harness.expect([alice, bob], received: [":carol!carol@192.0.2.1 PRIVMSG #rust :from outside"])
        #expect(harness.take(carol).isEmpty)
    }

    @Test func inviteOnlyChannelNeedsAnInvitation() {
        var (harness, alice, bob, carol) = Self.rustWithCarolOutside()
        harness.send("MODE #rust +i", from: alice)
        harness.expect([alice, bob], received: [":alice!alice@192.0.2.1 MODE #rust +i"])
        harness.send("JOIN #rust", from: carol)
        #expect(harness.take(carol) == ["\(Self.server) 473 carol #rust :Cannot join channel (+i)"])
        harness.send("INVITE carol #rust", from: bob)
        #expect(harness.take(bob) == ["\(Self.server) 482 bob #rust :You're not channel operator"])
        harness.send("INVITE carol #rust", from: alice)
        #expect(harness.take(alice) == ["\(Self.server) 341 alice carol #rust"])
        #expect(harness.take(carol) == [":alice!alice@192.0.2.1 INVITE carol #rust"])
        #expect(harness.take(bob).isEmpty, "members without invite-notify are not told")
        harness.send("JOIN #rust", from: carol)
        #expect(harness.take(alice) == [":carol!carol@192.0.2.1 JOIN #rust"])
        harness.send("PART #rust", "JOIN #rust", from: carol)
        #expect(harness.take(carol).last == "\(Self.server) 473 carol #rust :Cannot join channel (+i)", "an invitation is used once")
    }

    @Test(arguments: [
        ("INVITE nobody #rust", "401 alice nobody :No such nick/channel"),
        ("INVITE carol #nowhere", "403 alice #nowhere :No such channel"),
        ("INVITE bob #rust", "443 alice bob #rust :is already on channel"),
        ("INVITE carol #ops", "442 alice #ops :You're not on that channel"),
        ("INVITE carol", "461 alice INVITE :Not enough parameters"),
    ])
    func inviteErrors(line: String, reply: String) {
        var (harness, alice, bob, carol) = Self.rustWithCarolOutside()
        harness.channel("#ops", members: [bob])
        harness.send(line, from: alice)
        #expect(harness.take(alice) == ["\(Self.server) \(reply)"])
        #expect(harness.take(carol).isEmpty)
    }

    @Test func inviteNotifyTellsThoseWhoCouldHaveInvited() {
        var harness = HubHarness()
        let alice = harness.register("alice")
        let dave = harness.register("dave", caps: "invite-notify")
        let erin = harness.register("erin", caps: "invite-notify")
        let carol = harness.register("carol")
        harness.channel("#rust", members: [alice, dave, erin])
        harness.send("MODE #rust +o erin", from: alice)
        harness.clear()
        harness.send("INVITE carol #rust", from: alice)
        let invite = ":alice!alice@192.0.2.1 INVITE carol #rust"
        harness.expect([carol, dave, erin], received: [invite])
        harness.send("MODE #rust +i", from: alice)
        harness.clear()
        harness.send("INVITE carol #rust", from: alice)
        #expect(harness.take(erin) == [invite], "an operator is told on +i")
        #expect(harness.take(dave).isEmpty, "a member who could not invite is not, on +i")
    }

    @Test func keyIsNeededToJoinAndShownToMembersOnly() {
        var (harness, alice, bob, carol) = Self.rustWithCarolOutside()
        harness.send("MODE #rust +k sekrit", from: alice)
        harness.expect([alice, bob], received: [":alice!alice@192.0.2.1 MODE #rust +k sekrit"])
        harness.send("JOIN #rust", "JOIN #rust wrong", "MODE #rust", from: carol)
        #expect(harness.take(carol) == [
            "\(Self.server) 475 carol #rust :Cannot join channel (+k)",
            "\(Self.server) 475 carol #rust :Cannot join channel (+k)",
            "\(Self.server) 324 carol #rust +ntk *",
            "\(Self.server) 329 carol #rust 1700000000",
        ])
        harness.send("MODE #rust", from: bob)
        #expect(harness.take(bob).first == "\(Self.server) 324 bob #rust +ntk sekrit")
        harness.send("MODE #rust +k other", from: alice)
        #expect(harness.take(alice) == ["\(Self.server) 467 alice #rust :Channel key already set; remove it with -k first"])
        harness.send("MODE #rust +k", from: alice)
        #expect(harness.take(alice) == ["\(Self.server) 461 alice MODE :Not enough parameters"])
        harness.send("JOIN #go,#rust ,sekrit", from: carol)
        #expect(harness.take(alice) == [":carol!carol@192.0.2.1 JOIN #rust"])
        harness.clear()
        harness.send("MODE #rust -k *", from: alice)
        harness.expect([alice, bob, carol], received: [":alice!alice@192.0.2.1 MODE #rust -k *"])
    }

    @Test(arguments: ["a,b", ":x", String(repeating: "k", count: 33)])
    func malformedKeysAreRefused(key: String) {
        var (harness, alice, _, _) = Self.rustWithCarolOutside()
        harness.send("MODE #rust +k \(key.hasPrefix(":") ? ":" + key : key)", from: alice)
        #expect(harness.take(alice) == [
            "\(Self.server) 525 alice #rust :Key is not well-formed: 1 to 32 bytes, no comma"
        ])
    }

    @Test func limitKeepsOutTheMemberTooMany() {
        var (harness, alice, bob, carol) = Self.rustWithCarolOutside()
        harness.send("MODE #rust +l 2", from: alice)
        harness.expect([alice, bob], received: [":alice!alice@192.0.2.1 MODE #rust +l 2"])
        harness.send("JOIN #rust", from: carol)
        #expect(harness.take(carol) == ["\(Self.server) 471 carol #rust :Cannot join channel (+l)"])
        harness.send("MODE #rust +l many", from: alice)
        #expect(harness.take(alice) == [
            "\(Self.server) 696 alice #rust l many :The limit must be a whole number from 1 to 1000000"
        ])
        harness.send("MODE #rust -l", from: alice)
        harness.expect([alice, bob], received: [":alice!alice@192.0.2.1 MODE #rust -l"])
        harness.send("JOIN #rust", from: carol)
        #expect(harness.take(alice) == [":carol!carol@192.0.2.1 JOIN #rust"])
    }

    @Test func moderatedChannelHearsOnlyOperatorsAndVoicedMembers() {
        var (harness, alice, bob, _) = Self.rustWithCarolOutside()
        harness.send("MODE #rust +m", from: alice)
        harness.clear()
        harness.send("PRIVMSG #rust :may I?", from: bob)
        #expect(harness.take(bob) == ["\(Self.server) 404 bob #rust :Cannot send to channel"])
        #expect(harness.take(alice).isEmpty)
        harness.send("MODE #rust +v bob", from: alice)
        harness.expect([alice, bob], received: [":alice!alice@192.0.2.1 MODE #rust +v bob"])
        harness.send("PRIVMSG #rust :thanks", from: bob)
        #expect(harness.take(alice) == [":bob!bob@192.0.2.1 PRIVMSG #rust thanks"])
        harness.send("NAMES #rust", "WHO #rust", from: bob)
        #expect(harness.take(bob) == [
            "\(Self.server) 353 bob = #rust :@alice +bob",
            "\(Self.server) 366 bob #rust :End of /NAMES list",
            "\(Self.server) 352 bob #rust alice 192.0.2.1 securechat.local alice H@ :0 alice Example",
            "\(Self.server) 352 bob #rust bob 192.0.2.1 securechat.local bob H+ :0 bob Example",
            "\(Self.server) 315 bob #rust :End of WHO list",
        ])
    }

    @Test func multiPrefixShowsEveryPrefix() {
        var harness = HubHarness()
        let alice = harness.register("alice", caps: "multi-prefix")
        harness.channel("#rust", members: [alice])
        harness.send("MODE #rust +v alice", "NAMES #rust", from: alice)
        #expect(harness.take(alice).dropFirst().first == "\(Self.server) 353 alice = #rust @+alice")
    }

    @Test func secretChannelIsHiddenFromNonMembers() {
        var (harness, alice, _, carol) = Self.rustWithCarolOutside()
        harness.send("MODE #rust +s", from: alice)
        harness.clear()
        harness.send("LIST", "NAMES #rust", "WHO #rust", "WHOIS alice", "TOPIC #rust", from: carol)
        let seen = harness.take(carol)
        #expect(!seen.contains { $0.contains(" 322 ") && $0.contains("#rust") })
        #expect(seen.contains("\(Self.server) 366 carol #rust :End of /NAMES list"))
        #expect(!seen.contains { $0.contains(" 353 ") || $0.contains(" 352 ") })
        #expect(seen.contains("\(Self.server) 319 carol alice #lobby"))
        #expect(seen.contains("\(Self.server) 442 carol #rust :You're not on that channel"))
        harness.send("WHOIS alice", "NAMES #rust", "LIST", from: alice)
        let member = harness.take(alice)
        #expect(member.contains("\(Self.server) 319 alice alice :#lobby @#rust"))
        #expect(member.contains("\(Self.server) 353 alice @ #rust :@alice bob"))
        #expect(member.contains { $0.contains(" 322 alice #rust ") })
    }

    @Test func modeChangesAreAnnouncedAsOneLineOfWhatChanged() {
        var (harness, alice, bob, _) = Self.rustWithCarolOutside()
        harness.send("MODE #rust +tmzz-n+vk bob sekrit", from: alice)
        #expect(harness.take(alice) == [
            "\(Self.server) 472 alice z :is unknown mode char to me",
            ":alice!alice@192.0.2.1 MODE #rust +m-n+vk bob sekrit",
        ])
        #expect(harness.take(bob) == [":alice!alice@192.0.2.1 MODE #rust +m-n+vk bob sekrit"])
        harness.send("MODE #rust", from: alice)
        #expect(harness.take(alice).first == "\(Self.server) 324 alice #rust +mtk sekrit")
    }

    @Test func atMostFourChangesWithAParameterCount() {
        var (harness, alice, bob, _) = Self.rustWithCarolOutside()
        harness.send("MODE #rust +bbbbb a b c d e", from: alice)
        harness.expect([alice, bob], received: [":alice!alice@192.0.2.1 MODE #rust +bbbb a!*@* b!*@* c!*@* d!*@*"])
    }

    @Test func aNonMemberIsToldItIsNotOnTheChannel() {
        var (harness, _, _, carol) = Self.rustWithCarolOutside()
        harness.send("MODE #rust +im", from: carol)
        #expect(harness.take(carol) == ["\(Self.server) 442 carol #rust :You're not on that channel"])
    }
}
