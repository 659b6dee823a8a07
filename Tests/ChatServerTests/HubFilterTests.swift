import ChatServer
import Foundation
import IRC
import Moderation
import Testing

/// The filter's actions as the hub carries them out, each seen by the sender and two
/// other members of the channel.
@Suite struct HubFilterTests {
    /// alice (the sender), bob and carol, all on #lobby, under a filter with `rules`.
    static func room(_ rules: [FilterRule], auditText: Bool = false) -> (HubHarness, alice: SessionID, bob: SessionID, carol: SessionID) {
        var configuration = HubConfiguration(created: HubHarness.epoch)
        configuration.auditText = auditText
        var harness = HubHarness(configuration)
        harness.hub.setFilter(ModerationFilter(rules: rules, path: "filter.toml"))
        let alice = harness.register("alice", caps: "echo-message")
        let bob = harness.register("bob")
        let carol = harness.register("carol")
        harness.clear()
        return (harness, alice, bob, carol)
    }

    static func rule(_ action: FilterAction, scopes: Set<FilterScope> = [.channel]) -> FilterRule {
        FilterRule(id: "r1", patterns: ["darn"], action: action, scopes: scopes, reason: "mind your language")
    }

    static func matchRecords(_ harness: HubHarness) -> [ModerationAuditEvent.FilterMatchRecord] {
        harness.audits.compactMap {
            if case .filterMatch(let record) = $0.kind { return record }
            return nil
        }
    }

    /// Expects `lines` to be one line holding each of `parts`.
    static func expectOneLine(_ lines: [String], holding parts: String..., sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(lines.count == 1, "\(lines)", sourceLocation: sourceLocation)
        for part in parts {
            #expect(lines.first?.contains(part) == true, "no \(part)", sourceLocation: sourceLocation)
        }
    }

    @Test func logDeliversToEveryoneAndAuditsTheTokenOnly() throws {
        var (harness, alice, bob, carol) = Self.room([Self.rule(.log)])
        harness.send("PRIVMSG #lobby :oh DARN it", from: alice)
        #expect(harness.take(alice).count == 1)
        #expect(harness.take(bob) == [":alice!alice@192.0.2.1 PRIVMSG #lobby :oh DARN it"])
        #expect(harness.take(carol).count == 1)
        let record = try #require(Self.matchRecords(harness).first)
        #expect(record.rule == "r1" && record.action == .log && record.token == "darn")
        #expect(record.account == "alice" && record.target == "#lobby" && record.msgid != nil && record.text == nil)
    }

    @Test func auditTextKeepsTheText() throws {
        var (harness, alice, _, _) = Self.room([Self.rule(.log)], auditText: true)
        harness.send("PRIVMSG #lobby :oh darn", from: alice)
        #expect(Self.matchRecords(harness).first?.text == "oh darn")
    }

    @Test func warnDeliversToEveryone() throws {
        var (harness, alice, bob, carol) = Self.room([Self.rule(.warn)])
        harness.send("PRIVMSG #lobby :darn", from: alice)
        #expect(harness.take(alice).count == 1)
        #expect(harness.take(bob).count == 1)
        #expect(harness.take(carol).count == 1)
        #expect(Self.matchRecords(harness).map(\.action) == [.warn])
    }

    @Test func blockDeliversNothingAndAnswers404WithReasonAndRule() {
        var (harness, alice, bob, carol) = Self.room([Self.rule(.block)])
        let lines = harness.replies(to: "PRIVMSG #lobby :d\u{02}arn", from: alice)
        Self.expectOneLine(lines, holding: " 404 alice #lobby :", "mind your language (rule r1)")
        harness.expect([bob, carol], received: [])
        #expect(harness.records.isEmpty)
        #expect(Self.matchRecords(harness).map(\.msgid) == [nil])
    }

    @Test func blockInPrivateAnswersANotice() {
        var (harness, alice, bob, carol) = Self.room([Self.rule(.block, scopes: [.private])])
        let lines = harness.replies(to: "PRIVMSG bob :darn", from: alice)
        Self.expectOneLine(lines, holding: "NOTICE alice :Your message to bob was not delivered", "(rule r1)")
        harness.expect([bob, carol], received: [])
        // The channel scope is not the private one.
        harness.send("PRIVMSG #lobby :darn", from: alice)
        #expect(harness.take(bob).count == 1)
    }

    @Test func kickRemovesTheSenderAndDeliversOnlyTheKick() {
        var (harness, alice, bob, carol) = Self.room([Self.rule(.kick)])
        let kick = ":securechat.local KICK #lobby alice :mind your language (rule r1)"
        harness.send("PRIVMSG #lobby :darn", from: alice, announcing: [kick], to: [alice, bob, carol])
        #expect(harness.replies(to: "NAMES #lobby", from: bob).first?.hasSuffix(":bob carol") == true)
    }

    @Test func disconnectClosesTheSenderAndDeliversOnlyItsQuit() {
        var (harness, alice, bob, carol) = Self.room([Self.rule(.disconnect)])
        harness.send("PRIVMSG #lobby :darn", "PRIVMSG #lobby :after", from: alice)
        #expect(harness.closed[alice]?.contains("refused by this server's filter: mind your language (rule r1)") == true)
        #expect(harness.take(bob) == [":alice!alice@192.0.2.1 QUIT :Disconnected by the server's filter"])
        #expect(harness.take(carol).count == 1)
        #expect(harness.records.isEmpty)
    }

    @Test func aMessageToSeveralTargetsIsScannedOnceAndDecidedPerTarget() {
        let rule = FilterRule(id: "r1", patterns: ["darn"], action: .block, exemptChannels: ["#Free"])
        var (harness, alice, bob, _) = Self.room([rule])
        harness.channel("#free", members: [alice, bob])
        harness.send("PRIVMSG #lobby,#free :darn", from: alice, expecting: [bob: [":alice!alice@192.0.2.1 PRIVMSG #free darn"]])
    }

    @Test func exemptNicksAndAllowedTokensPass() {
        let rule = FilterRule(id: "r1", patterns: ["*darn*"], allow: ["darnation"], action: .block, exemptNicks: ["Carol"])
        var (harness, alice, bob, carol) = Self.room([rule])
        harness.send("PRIVMSG #lobby :darn", from: carol)
        #expect(harness.take(bob).count == 1)
        harness.send("PRIVMSG #lobby :darnation", from: alice)
        #expect(harness.take(bob).count == 1)
    }

    @Test func topicPartAndQuitReasonsAreFilteredWhenTheirScopeIsOn() {
        var (harness, alice, bob, carol) = Self.room([Self.rule(.block, scopes: [.topic, .part, .quit])])
        #expect(harness.replies(to: "TOPIC #lobby :darn topic", from: alice).first?.contains("The topic of #lobby was not changed") == true)
        #expect(harness.take(bob).isEmpty)
        harness.send("PART #lobby :darn you", from: alice, expecting: [bob: [":alice!alice@192.0.2.1 PART #lobby"]])
        harness.send("QUIT :darn all", from: carol, expecting: [bob: [":carol!carol@192.0.2.1 QUIT Quit"]])
        #expect(Self.matchRecords(harness).map(\.scope) == [.topic, .part, .quit])
    }
}

extension HubFilterTests {
    @Test func aMultilineBatchIsFilteredAsOneTextEvenWhenTheWordSpansTwoLines() throws {
        var (harness, alice, bob, _) = Self.room([Self.rule(.block)])
        harness.prepare("CAP REQ :batch draft/multiline", from: alice)
        harness.send(
            "BATCH +x draft/multiline #lobby",
            "@batch=x PRIVMSG #lobby :oh da",
            "@batch=x;draft/multiline-concat PRIVMSG #lobby :rn it",
            "BATCH -x",
            from: alice
        )
        #expect(harness.take(bob).isEmpty)
        #expect(harness.records.isEmpty)
        #expect(harness.take(alice).contains { $0.contains(" 404 alice #lobby :Cannot send to channel: your message was blocked") })
        #expect(Self.matchRecords(harness).map(\.action) == [.block])
    }
}

extension HubFilterTests {
    @Test func warnTellsTheOnlineOperatorsWithTheRuleTokenAndMsgid() throws {
        var (harness, alice, _, carol) = Self.room([Self.rule(.warn)])
        _ = harness.hub.setOperators(OperatorList([.nick("carol"): .moderator]))
        harness.prepare("OPER carol", from: carol)
        harness.send("PRIVMSG #lobby :darn", from: alice)
        let msgid = try #require(Self.matchRecords(harness).first?.msgid)
        let notice = ":securechat.local NOTICE carol :*** filter: alice (account alice) matched rule r1 with \"darn\" in channel to #lobby msgid \(msgid)"
        #expect(harness.take(carol).contains(notice))
    }

    @Test func aServerOperatorIsNeverFiltered() {
        var (harness, alice, bob, _) = Self.room([Self.rule(.block)])
        _ = harness.hub.setOperators(OperatorList([.nick("alice"): .admin]))
        harness.prepare("OPER alice", from: alice)
        harness.send("PRIVMSG #lobby :darn", from: alice, expecting: [bob: [":alice!alice@192.0.2.1 PRIVMSG #lobby darn"]])
        #expect(Self.matchRecords(harness).isEmpty)
    }
}
