import ChatServer
import Foundation
import IRC
import TLS
import Testing

/// OPER, KILL, the operator's KICK, user mode o, WHOIS 313 and server notices.
@Suite struct HubOperatorTests {
    /// A harness whose server.toml lists alice as an admin and dave's certificate (the
    /// fourth registered) by fingerprint as a moderator.
    static func harness() -> HubHarness {
        var harness = HubHarness()
        let dave = HubHarness.identity(bound: ["dave"], seed: 4).certificateFingerprint
        _ = harness.hub.setOperators(OperatorList([.nick("Alice"): .admin, .fingerprint(dave): .moderator]))
        return harness
    }

    @Test func operByBoundNickGrantsModeO() {
        var harness = Self.harness()
        let alice = harness.register("alice")
        #expect(
            harness.replies(to: "OPER alice ignored-password", from: alice) == [
                ":securechat.local 381 alice :You are now an IRC operator (admin)",
                ":securechat.local MODE alice +o",
                ":securechat.local NOTICE alice :*** alice is now an operator (admin) as alice",
            ])
        #expect(harness.hub.operatorClass(of: alice) == .admin)
        #expect(harness.serverNotices == ["alice is now an operator (admin) as alice"])
        #expect(harness.replies(to: "MODE alice", from: alice) == [":securechat.local 221 alice +o"])
    }

    @Test func operByFingerprintUsesTheCertificatesNick() {
        var harness = Self.harness()
        let (_, _, _) = harness.register("bob", "carol", "erin")
        let dave = harness.register("dave")
        #expect(harness.replies(to: "OPER dave", from: dave).first == ":securechat.local 381 dave :You are now an IRC operator (moderator)")
        #expect(harness.hub.operatorClass(of: dave) == .moderator)
    }

    @Test func operRefusedWithoutAListingOrABinding() {
        var harness = Self.harness()
        let (alice, bob) = harness.register("alice", "bob")
        harness.prepare("OPER alice", from: alice)
        // bob is not listed; bob's certificate is not bound to alice.
        for line in ["OPER bob", "OPER alice"] {
            let replies = harness.replies(to: line, from: bob)
            #expect(replies.count == 1)
            #expect(replies.first?.hasPrefix(":securechat.local 491 bob :Your certificate is not an operator's") == true)
        }
        #expect(harness.hub.operatorClass(of: bob) == nil)
        #expect(harness.take(alice) == [
            ":securechat.local NOTICE alice :*** Failed OPER attempt by bob as bob",
            ":securechat.local NOTICE alice :*** Failed OPER attempt by bob as alice",
        ])
        #expect(harness.replies(to: "OPER", from: bob) == [":securechat.local 461 bob OPER :Not enough parameters"])
    }

    @Test func modeMinusODropsAndPlusOIsIgnored() {
        var harness = Self.harness()
        let alice = harness.register("alice")
        #expect(harness.replies(to: "MODE alice +o", from: alice).isEmpty)
        #expect(harness.hub.operatorClass(of: alice) == nil)
        harness.prepare("OPER alice", from: alice)
        #expect(harness.replies(to: "MODE alice -o", from: alice) == [":alice!alice@192.0.2.1 MODE alice -o"])
        #expect(harness.hub.operatorClass(of: alice) == nil)
        #expect(harness.replies(to: "MODE alice", from: alice) == [":securechat.local 221 alice +"])
    }

    @Test func whoisShowsOperators() {
        var harness = Self.harness()
        let (alice, bob) = harness.register("alice", "bob")
        harness.send("OPER alice", from: alice)
        #expect(harness.replies(to: "WHOIS alice", from: bob).contains(":securechat.local 313 bob alice :is an IRC operator (admin)"))
        #expect(!harness.replies(to: "WHOIS bob", from: alice).contains { $0.contains(" 313 ") })
    }

    @Test func operatorKicksFromAnyChannel() {
        var harness = Self.harness()
        let (alice, bob, carol) = harness.register("alice", "bob", "carol")
        harness.channel("#rust", members: [bob, carol])
        #expect(harness.replies(to: "KICK #rust carol :spam", from: alice) == [":securechat.local 442 alice #rust :You're not on that channel"])
        harness.prepare("OPER alice", from: alice)
        harness.send("KICK #rust carol :spam", from: alice, announcing: [":alice!alice@192.0.2.1 KICK #rust carol spam"], to: [bob, carol])
        harness.prepare("JOIN #rust", from: carol)
        harness.send("KICK #rust carol :again", from: alice, announcing: [":alice!alice@192.0.2.1 KICK #rust carol again"], to: [bob, carol])
    }

    @Test func killClosesEverySessionOfTheNick() {
        var harness = Self.harness()
        let alice = harness.register("alice")
        let (laptop, phone) = (harness.register("bob"), harness.register("bob", host: "198.51.100.7"))
        let carol = harness.register("carol")
        harness.prepare("OPER alice", from: alice)
        harness.send("KILL bob :flooding", from: alice)
        for session in [laptop, phone] {
            #expect(harness.take(session) == [":alice!alice@192.0.2.1 KILL bob flooding"])
            #expect(harness.closed[session] == "Closing link: Killed (alice (flooding))")
        }
        #expect(harness.take(carol) == [":bob!bob@198.51.100.7 QUIT :Killed (alice (flooding))"])
        #expect(harness.take(alice).contains(":securechat.local NOTICE alice :*** alice killed bob (2 sessions): flooding"))
        #expect(harness.hub.sessions(ofNick: "bob").isEmpty)
    }

    @Test func killNeedsAnOperatorAndAKnownNick() {
        var harness = Self.harness()
        let (alice, bob) = harness.register("alice", "bob")
        #expect(harness.replies(to: "KILL alice :bye", from: bob) == [":securechat.local 481 bob :Permission Denied- You're not an IRC operator"])
        #expect(harness.replies(to: "KILL alice", from: bob) == [":securechat.local 461 bob KILL :Not enough parameters"])
        harness.prepare("OPER alice", from: alice)
        #expect(harness.replies(to: "KILL nobody :bye", from: alice) == [":securechat.local 401 alice nobody :No such nick/channel"])
        #expect(harness.closed.isEmpty)
    }

    @Test func noticesReachOnlyOperators() {
        var harness = Self.harness()
        let (alice, bob) = harness.register("alice", "bob")
        harness.prepare("OPER alice", from: alice)
        let outputs = harness.hub.notifyOperators("hello operators")
        #expect(outputs.contains(.serverNotice("hello operators")))
        let sends = outputs.compactMap { output -> [SessionID]? in
            if case .send(_, let recipients) = output { return recipients }
            return nil
        }
        #expect(sends == [[alice]])
        #expect(!sends.joined().contains(bob))
    }

    @Test func reloadThatDropsAnOperatorTakesModeO() {
        var harness = Self.harness()
        let alice = harness.register("alice")
        harness.prepare("OPER alice", from: alice)
        let outputs = harness.hub.setOperators(OperatorList([.nick("bob"): .admin]))
        #expect(harness.hub.operatorClass(of: alice) == nil)
        let lines = outputs.compactMap { output -> String? in
            if case .send(let message, [alice]) = output { return message.serialized }
            return nil
        }
        #expect(lines.contains(":securechat.local MODE alice -o"))
    }

    @Test func registrationAnnouncesUserModeO() {
        var harness = HubHarness()
        let session = harness.connect(bound: ["alice"])
        #expect(harness.replies(to: "NICK alice", "USER alice 0 * :Alice", from: session).contains(":securechat.local 004 alice securechat.local securechat-0.1 Bio beIiklmnostv beIklov"))
    }

    @Test func whoAndUserhostMarkAServerOperatorWithAStar() {
        var harness = Self.harness()
        let alice = harness.register("alice")
        let bob = harness.register("bob")
        harness.prepare("OPER alice", from: alice)
        #expect(harness.replies(to: "USERHOST alice bob", from: bob) == [":securechat.local 302 bob :alice*=+alice@192.0.2.1 bob=+bob@192.0.2.1"])
        #expect(harness.replies(to: "WHO alice", from: bob).first == ":securechat.local 352 bob * alice 192.0.2.1 securechat.local alice H* :0 alice Example")
        #expect(harness.replies(to: "MODE bob +B", "MODE bob", from: bob).last == ":securechat.local 221 bob +B")
    }
}
