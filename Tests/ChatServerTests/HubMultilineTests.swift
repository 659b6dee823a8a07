import ChatServer
import Foundation
import HistoryStore
import IRC
import Testing

@Suite struct HubMultilineTests {
    static let caps = "batch draft/multiline message-tags"

    @Test func aBatchReachesMultilineClientsAsABatchAndOthersAsLines() throws {
        var harness = HubHarness()
        let alice = harness.register("alice", caps: Self.caps)
        let bob = harness.register("bob", caps: Self.caps)
        let carol = harness.register("carol")
        harness.send(
            "BATCH +x draft/multiline #lobby",
            "@batch=x PRIVMSG #lobby :first",
            "@batch=x;draft/multiline-concat PRIVMSG #lobby :, continued",
            "@batch=x PRIVMSG #lobby :second",
            from: alice
        )
        harness.expect([bob], received: [])
        harness.send("BATCH -x", from: alice)
        #expect(harness.records.map(\.event.text) == ["first", ", continued", "second"])
        let ids = harness.records.map(\.id.description)
        harness.expect([bob], received: [
            "@msgid=\(ids[0]) :alice!alice@192.0.2.1 BATCH +m1 draft/multiline #lobby",
            "@batch=m1 :alice!alice@192.0.2.1 PRIVMSG #lobby first",
            "@batch=m1;draft/multiline-concat :alice!alice@192.0.2.1 PRIVMSG #lobby :, continued",
            "@batch=m1 :alice!alice@192.0.2.1 PRIVMSG #lobby second",
            ":alice!alice@192.0.2.1 BATCH -m1",
        ])
        harness.expect([carol], received: [
            ":alice!alice@192.0.2.1 PRIVMSG #lobby first",
            ":alice!alice@192.0.2.1 PRIVMSG #lobby :, continued",
            ":alice!alice@192.0.2.1 PRIVMSG #lobby second",
        ])
        harness.expect([alice], received: [])
    }

    @Test func theEchoIsTheBatchOnceEveryLineIsStoredAndCarriesTheLabel() throws {
        var harness = HubHarness()
        let alice = harness.register("alice", caps: Self.caps + " echo-message labeled-response")
        let bob = harness.register("bob")
        harness.send(
            "@label=ml BATCH +x draft/multiline bob",
            "@batch=x PRIVMSG bob :one",
            "@batch=x PRIVMSG bob :two",
            "BATCH -x",
            from: alice
        )
        #expect(harness.records.count == 2)
        let held = try #require(harness.lastOutputs.compactMap { output -> [MessageID]? in
            if case .sendAllWhenStored(_, _, let ids) = output { return ids }
            return nil
        }.first)
        #expect(held == harness.records.map(\.id))
        let lines = harness.take(alice)
        #expect(lines.count == 4)
        #expect(lines.first?.hasPrefix("@label=ml;msgid=") == true || lines.first?.hasPrefix("@msgid=") == true)
        #expect(lines.first?.contains("label=ml") == true)
        #expect(lines.first?.hasSuffix(":alice!alice@192.0.2.1 BATCH +m1 draft/multiline bob") == true)
        harness.expect([bob], received: [
            ":alice!alice@192.0.2.1 PRIVMSG bob one",
            ":alice!alice@192.0.2.1 PRIVMSG bob two",
        ])
    }

    @Test func aLabeledBatchWithoutEchoIsAcknowledged() {
        var harness = HubHarness()
        let alice = harness.register("alice", caps: Self.caps + " labeled-response")
        harness.send("@label=q BATCH +x draft/multiline #lobby", "@batch=x PRIVMSG #lobby :one", from: alice, expecting: [])
        harness.send("BATCH -x", from: alice, expecting: ["@label=q :securechat.local ACK"])
    }

    @Test(arguments: [
        (
            ["BATCH +x draft/multiline #lobby", "@batch=x PRIVMSG #ops :one", "BATCH -x"],
            ":securechat.local FAIL BATCH MULTILINE_INVALID_TARGET #lobby #ops :Every line of the batch goes to #lobby, not #ops"
        ),
        (
            ["BATCH +x draft/multiline #lobby", "@batch=x PRIVMSG #lobby :one", "@batch=x NOTICE #lobby :two", "BATCH -x"],
            ":securechat.local FAIL BATCH MULTILINE_INVALID :A multiline batch holds one kind of message, not both PRIVMSG and NOTICE"
        ),
        (
            ["BATCH +x draft/multiline #lobby", "@batch=x;draft/multiline-concat PRIVMSG #lobby :", "BATCH -x"],
            ":securechat.local FAIL BATCH MULTILINE_INVALID :A line with draft/multiline-concat must not be empty"
        ),
        (
            ["BATCH +x draft/multiline #lobby", "BATCH -x"],
            ":securechat.local FAIL BATCH MULTILINE_INVALID :A multiline batch needs at least one line with text"
        ),
        (
            ["BATCH -y"],
            ":securechat.local FAIL BATCH MULTILINE_INVALID :No multiline batch y is open"
        ),
        (
            ["@batch=z PRIVMSG #lobby :stray"],
            ":securechat.local FAIL BATCH MULTILINE_INVALID :No multiline batch z is open"
        ),
        (
            ["BATCH +x chathistory #lobby"],
            ":securechat.local FAIL BATCH MULTILINE_INVALID :Only BATCH +<reference> draft/multiline <target> is accepted from clients"
        ),
        (
            ["BATCH +x draft/multiline #lobby", "BATCH +y draft/multiline #lobby"],
            ":securechat.local FAIL BATCH MULTILINE_INVALID :A multiline batch is already open; batches do not nest"
        ),
    ])
    func invalidBatchesFailAndSendNothing(lines: [String], fail: String) {
        var harness = HubHarness()
        let alice = harness.register("alice", caps: Self.caps)
        let bob = harness.register("bob")
        for line in lines { harness.send(line, from: alice) }
        harness.expect([alice], received: [fail])
        harness.expect([bob], received: [])
        #expect(harness.records.isEmpty)
    }

    @Test func tooManyLinesFail() {
        var harness = HubHarness()
        let alice = harness.register("alice", caps: Self.caps)
        harness.send("BATCH +x draft/multiline #lobby", from: alice)
        for index in 0...100 { harness.send("@batch=x PRIVMSG #lobby :line \(index)", from: alice) }
        harness.send("BATCH -x", from: alice, expecting: [
            ":securechat.local FAIL BATCH MULTILINE_MAX_LINES 100 :A multiline batch holds at most 100 lines"
        ])
        #expect(harness.records.isEmpty)
    }

    @Test func tooManyBytesFail() {
        var harness = HubHarness()
        let alice = harness.register("alice", caps: Self.caps)
        let text = String(repeating: "a", count: 400)
        harness.send("BATCH +x draft/multiline #lobby", from: alice)
        for _ in 0..<11 { harness.send("@batch=x PRIVMSG #lobby :\(text)", from: alice) }
        harness.send("BATCH -x", from: alice, expecting: [
            ":securechat.local FAIL BATCH MULTILINE_MAX_BYTES 4096 :A multiline batch holds at most 4096 bytes of text"
        ])
        #expect(harness.records.isEmpty)
    }

    @Test func withoutTheCapabilityABatchIsRefused() {
        var harness = HubHarness()
        let alice = harness.register("alice")
        harness.send("BATCH +x draft/multiline #lobby", from: alice, expecting: [
            ":securechat.local FAIL BATCH MULTILINE_INVALID :Negotiate draft/multiline before sending a batch"
        ])
    }

    @Test func aBatchToAChannelTheSenderIsNotOnIsRefused() {
        var harness = HubHarness()
        let alice = harness.register("alice", caps: Self.caps)
        let bob = harness.register("bob")
        harness.channel("#ops", members: [bob])
        harness.send("BATCH +x draft/multiline #ops", "@batch=x PRIVMSG #ops :hi", "BATCH -x", from: alice, expecting: [
            ":securechat.local 404 alice #ops :Cannot send to channel",
        ])
        harness.expect([bob], received: [])
    }

    @Test func multilineIsAdvertisedWithItsLimits() {
        let lines = HubHarness.repliesBeforeRegistration(to: "CAP LS 302")
        #expect(lines.first?.contains(" draft/multiline=max-bytes=4096,max-lines=100") == true)
    }
}

extension HubMultilineTests {
    @Test func aBlankLineStaysInTheBatchButIsNoMessageOfItsOwn() {
        var harness = HubHarness()
        let alice = harness.register("alice", caps: Self.caps)
        let bob = harness.register("bob", caps: Self.caps)
        let carol = harness.register("carol")
        harness.send(
            "BATCH +x draft/multiline #lobby", "@batch=x PRIVMSG #lobby :one", "@batch=x PRIVMSG #lobby :",
            "@batch=x PRIVMSG #lobby :two", "BATCH -x", from: alice
        )
        #expect(harness.records.map(\.event.text) == ["one", "two"])
        #expect(harness.take(bob).contains("@batch=m1 :alice!alice@192.0.2.1 PRIVMSG #lobby :"))
        harness.expect([carol], received: [
            ":alice!alice@192.0.2.1 PRIVMSG #lobby one",
            ":alice!alice@192.0.2.1 PRIVMSG #lobby two",
        ])
    }
}

extension HubMultilineTests {
    @Test func aBatchToAnAwayOrOfflineNickIsAnsweredWith301() {
        var harness = HubHarness()
        harness.hub.setKnownNicks(["alice", "bob", "dave"])
        let alice = harness.register("alice", caps: Self.caps)
        let bob = harness.register("bob")
        harness.send("AWAY :lunch", from: bob)
        harness.clear()
        harness.send("BATCH +x draft/multiline bob", "@batch=x PRIVMSG bob :hi", "BATCH -x", from: alice, expecting: [
            ":securechat.local 301 alice bob lunch",
        ])
        harness.send("BATCH +y draft/multiline dave", "@batch=y PRIVMSG dave :hi", "BATCH -y", from: alice, expecting: [
            ":securechat.local 301 alice dave :dave is offline; your message will be delivered when they log in"
        ])
        #expect(harness.records.last?.event.text == "hi")
    }
}

extension HubMultilineTests {
    @Test func aBatchToAModeratedChannelFromAMemberWithoutVoiceGets404() {
        var harness = HubHarness()
        let alice = harness.register("alice")
        let bob = harness.register("bob", caps: Self.caps)
        harness.send("JOIN #quiet", "MODE #quiet +m", from: alice)
        harness.send("JOIN #quiet", from: bob)
        harness.clear()
        harness.send("BATCH +x draft/multiline #quiet", "@batch=x PRIVMSG #quiet :hi", "BATCH -x", from: bob, expecting: [
            ":securechat.local 404 bob #quiet :Cannot send to channel",
        ])
        harness.expect([alice], received: [])
        #expect(harness.records.isEmpty)
    }
}
