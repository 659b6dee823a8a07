import ChatServer
import Foundation
import IRC
import Testing

/// Channel bans (`+b`), their exceptions (`+e`) and invite exceptions (`+I`).
@Suite struct HubBanTests {
    static let server = ":securechat.local"

    @Test(arguments: [
        ("carol", "carol!*@*"),
        ("*@192.0.2.*", "*!*@192.0.2.*"),
        ("carol!carol", "carol!carol@*"),
        ("c*!*@*", "c*!*@*"),
        ("~a:carol", "~a:carol"),
    ])
    func masksAreCompletedAndKeepOut(mask: String, stored: String) {
        var harness = HubHarness()
        let (alice, bob, carol) = harness.register("alice", "bob", "carol")
        harness.channel("#rust", members: [alice, bob])
        harness.send("MODE #rust +b \(mask)", from: alice)
        harness.expect([alice, bob], received: [":alice!alice@192.0.2.1 MODE #rust +b \(stored)"])
        harness.send("JOIN #rust", from: carol)
        #expect(harness.take(carol) == ["\(Self.server) 474 carol #rust :Cannot join channel (+b)"])
        harness.send("MODE #rust b", from: carol)
        #expect(harness.take(carol) == [
            "\(Self.server) 367 carol #rust \(stored) alice 1700000000",
            "\(Self.server) 368 carol #rust :End of channel ban list",
        ])
        harness.send("MODE #rust -b \(stored)", from: alice)
        harness.expect([alice, bob], received: [":alice!alice@192.0.2.1 MODE #rust -b \(stored)"])
        harness.send("JOIN #rust", from: carol)
        #expect(harness.take(alice) == [":carol!carol@192.0.2.1 JOIN #rust"])
    }

    @Test func theAccountExtbanHoldsWhateverNickTheCertificateUses() {
        var harness = HubHarness()
        let alice = harness.register("alice")
        let bot = harness.register("carol-bot", bound: ["carol", "carol-bot"])
        harness.channel("#rust", members: [alice])
        harness.send("MODE #rust +b ~a:CAROL", from: alice)
        harness.send("JOIN #rust", from: bot)
        #expect(harness.take(bot) == ["\(Self.server) 474 carol-bot #rust :Cannot join channel (+b)"])
    }

    @Test func aBannedMemberCannotSpeakUnlessVoicedOrExcepted() {
        var harness = HubHarness()
        let (alice, bob) = harness.register("alice", "bob")
        harness.channel("#rust", members: [alice, bob])
        harness.send("MODE #rust +b bob", from: alice)
        harness.clear()
        harness.send("PRIVMSG #rust :hello?", from: bob)
        #expect(harness.take(bob) == ["\(Self.server) 404 bob #rust :Cannot send to channel"])
        #expect(harness.take(alice).isEmpty)
        harness.send("MODE #rust +e ~a:bob", from: alice)
        harness.expect([alice, bob], received: [":alice!alice@192.0.2.1 MODE #rust +e ~a:bob"])
        harness.send("PRIVMSG #rust :excepted", from: bob)
        #expect(harness.take(alice) == [":bob!bob@192.0.2.1 PRIVMSG #rust excepted"])
        harness.send("MODE #rust -e ~a:bob", "MODE #rust +v bob", from: alice)
        harness.clear()
        harness.send("PRIVMSG #rust :voiced", from: bob)
        #expect(harness.take(alice) == [":bob!bob@192.0.2.1 PRIVMSG #rust voiced"])
    }

    @Test func theListsAreFullAtFifty() {
        var harness = HubHarness()
        let alice = harness.register("alice")
        harness.channel("#rust", members: [alice])
        for index in 0..<50 {
            harness.send("MODE #rust +b n\(index)", from: alice)
        }
        harness.clear()
        harness.send("MODE #rust +b one-more", from: alice)
        #expect(harness.take(alice) == ["\(Self.server) 478 alice #rust b :Channel list is full (50 entries)"])
        harness.send("MODE #rust +b n7", from: alice)
        #expect(harness.take(alice) == ["\(Self.server) 478 alice #rust b :Channel list is full (50 entries)"])
        harness.send("MODE #rust +e one-more", from: alice)
        #expect(harness.take(alice) == [":alice!alice@192.0.2.1 MODE #rust +e one-more!*@*"])
    }

    @Test func inviteExceptionLetsPastInviteOnlyAndListsApart() {
        var harness = HubHarness()
        let (alice, carol) = harness.register("alice", "carol")
        harness.channel("#rust", members: [alice])
        harness.send("MODE #rust +iI ~a:carol", from: alice)
        harness.send("MODE #rust I", "MODE #rust e", from: alice)
        #expect(Array(harness.take(alice).suffix(3)) == [
            "\(Self.server) 346 alice #rust ~a:carol alice 1700000000",
            "\(Self.server) 347 alice #rust :End of Channel Invite Exception List",
            "\(Self.server) 349 alice #rust :End of channel exception list",
        ])
        harness.send("JOIN #rust", from: carol)
        #expect(harness.take(alice) == [":carol!carol@192.0.2.1 JOIN #rust"])
    }

    @Test(arguments: ["~x:carol", "a!b!c@d@e", "b@a!c"])
    func whatCannotBeAMaskIsRefused(mask: String) {
        var harness = HubHarness()
        let alice = harness.register("alice")
        harness.channel("#rust", members: [alice])
        harness.send("MODE #rust +b \(mask)", from: alice)
        let reply = harness.take(alice)
        #expect(reply.count == 1 && reply[0].hasPrefix("\(Self.server) 696 alice #rust b \(mask) :Not a mask"), "\(reply)")
    }
}

extension HubBanTests {
    @Test func longMasksAreAnnouncedOnLinesWithin512Bytes() {
        var harness = HubHarness()
        let alice = harness.register("alice")
        harness.channel("#rust", members: [alice])
        let masks = (1...4).map { "\($0)" + String(repeating: "x", count: 118) }
        harness.send("MODE #rust +bbbb \(masks.joined(separator: " "))", from: alice)
        let lines = harness.take(alice)
        #expect(lines.count == 2)
        #expect(lines.allSatisfy { $0.utf8.count <= 510 })
        #expect(lines.joined().components(separatedBy: "!*@*").count == 5, "every mask announced once")
    }
}
