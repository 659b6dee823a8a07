import ChatServer
import Foundation
import IRC
import Testing

/// Channel bans (`+b`), their exceptions (`+e`) and invite exceptions (`+I`); what a ban or
/// an exception does to a member's speech is in HubChannelModeTests, beside `+m` and `+v`.
@Suite struct HubBanTests {
    static let server = ":securechat.local"

    /// A mask as written after `+b`, and as the server completes and keeps it.
    struct Mask: Sendable, CustomTestStringConvertible {
        let written: String
        let stored: String
        var testDescription: String { "\(written) kept as \(stored)" }
    }

    @Test(arguments: [
        Mask(written: "carol", stored: "carol!*@*"),
        Mask(written: "*@192.0.2.*", stored: "*!*@192.0.2.*"),
        Mask(written: "carol!carol", stored: "carol!carol@*"),
        Mask(written: "c*!*@*", stored: "c*!*@*"),
        Mask(written: "~a:carol", stored: "~a:carol"),
    ])
    func masksAreCompletedAndKeepOut(_ mask: Mask) {
        var (harness, alice, bob, carol) = HubHarness.rustWithCarolOutside()
        harness.send("MODE #rust +b \(mask.written)", from: alice,
                     announcing: [":alice!alice@192.0.2.1 MODE #rust +b \(mask.stored)"], to: [alice, bob])
        #expect(harness.replies(to: "JOIN #rust", from: carol) == ["\(Self.server) 474 carol #rust :Cannot join channel (+b)"])
        #expect(harness.replies(to: "MODE #rust b", from: carol) == [
            "\(Self.server) 367 carol #rust \(mask.stored) alice 1700000000",
            "\(Self.server) 368 carol #rust :End of channel ban list",
        ])
        harness.send("MODE #rust -b \(mask.stored)", from: alice,
                     announcing: [":alice!alice@192.0.2.1 MODE #rust -b \(mask.stored)"], to: [alice, bob])
        harness.send("JOIN #rust", from: carol, expecting: [alice: [":carol!carol@192.0.2.1 JOIN #rust"]])
    }

    @Test func theAccountExtbanHoldsWhateverNickTheCertificateUses() {
        var (harness, alice) = HubHarness.aliceAlone(in: "#rust")
        let bot = harness.register("carol-bot", bound: ["carol", "carol-bot"])
        harness.send("MODE #rust +b ~a:CAROL", from: alice)
        #expect(harness.replies(to: "JOIN #rust", from: bot) == ["\(Self.server) 474 carol-bot #rust :Cannot join channel (+b)"])
    }

    @Test func theListsAreFullAtFifty() {
        var (harness, alice) = HubHarness.aliceAlone(in: "#rust")
        for index in 0..<50 {
            harness.send("MODE #rust +b n\(index)", from: alice)
        }
        harness.clear()
        let full = "\(Self.server) 478 alice #rust b :Channel list is full (50 entries)"
        #expect(harness.replies(to: "MODE #rust +b one-more", from: alice) == [full])
        #expect(harness.replies(to: "MODE #rust +b n7", from: alice) == [full])
        #expect(harness.replies(to: "MODE #rust +e one-more", from: alice) == [":alice!alice@192.0.2.1 MODE #rust +e one-more!*@*"])
    }

    @Test func inviteExceptionLetsPastInviteOnlyAndListsApart() {
        var (harness, alice) = HubHarness.aliceAlone(in: "#rust")
        let carol = harness.register("carol")
        let lists = harness.replies(to: "MODE #rust +iI ~a:carol", "MODE #rust I", "MODE #rust e", from: alice)
        #expect(Array(lists.suffix(3)) == [
            "\(Self.server) 346 alice #rust ~a:carol alice 1700000000",
            "\(Self.server) 347 alice #rust :End of Channel Invite Exception List",
            "\(Self.server) 349 alice #rust :End of channel exception list",
        ])
        harness.send("JOIN #rust", from: carol, expecting: [alice: [":carol!carol@192.0.2.1 JOIN #rust"]])
    }

    @Test(arguments: ["~x:carol", "a!b!c@d@e", "b@a!c"])
    func whatCannotBeAMaskIsRefused(mask: String) {
        var (harness, alice) = HubHarness.aliceAlone(in: "#rust")
        let reply = harness.replies(to: "MODE #rust +b \(mask)", from: alice)
        #expect(reply.count == 1 && reply[0].hasPrefix("\(Self.server) 696 alice #rust b \(mask) :Not a mask"), "\(reply)")
    }
}

extension HubBanTests {
    @Test func longMasksAreAnnouncedOnLinesWithin512Bytes() {
        var (harness, alice) = HubHarness.aliceAlone(in: "#rust")
        let masks = (1...4).map { "\($0)" + String(repeating: "x", count: 118) }
        let lines = harness.replies(to: "MODE #rust +bbbb \(masks.joined(separator: " "))", from: alice)
        #expect(lines.count == 2)
        #expect(lines.allSatisfy { $0.utf8.count <= 510 })
        #expect(lines.joined().components(separatedBy: "!*@*").count == 5, "every mask announced once")
    }
}
