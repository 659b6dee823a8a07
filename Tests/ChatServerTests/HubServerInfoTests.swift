import ChatServer
import Foundation
import IRC
import Testing

/// VERSION, INFO, HELP, WHOWAS and USERHOST; TIME's and HELP's exact answers are in
/// ``HubReplyTableTests/serverInformation``.
@Suite struct HubServerInfoTests {
    @Test func versionAnswers351AndTheISupportLines() {
        var harness = HubHarness()
        let alice = harness.register("alice")
        harness.send("VERSION", from: alice)
        #expect(harness.takeCommands(alice) == ["351", "005", "005"])
    }

    @Test func infoEndsWith374() {
        var harness = HubHarness()
        let alice = harness.register("alice")
        harness.send("INFO", from: alice)
        let commands = harness.takeCommands(alice)
        #expect(commands.last == "374" && commands.dropLast().allSatisfy { $0 == "371" } && commands.count > 1)
    }

    @Test func helpKnowsEveryCommand() {
        var harness = HubHarness()
        let alice = harness.register("alice")
        harness.send("HELP", from: alice)
        #expect(harness.takeCommands(alice).first == "704")
        for command in ["PRIVMSG", "JOIN", "MONITOR", "SETNAME", "WHOWAS", "BATCH", "TIME", "CAP"] {
            harness.send("HELP \(command)", from: alice)
            #expect(harness.takeCommands(alice).last == "706", "no help on \(command)")
        }
    }

    @Test func whowasRemembersDeparturesNewestFirst() {
        var harness = HubHarness()
        let alice = harness.register("alice")
        let bob = harness.register("bob", bound: ["bob", "robert"])
        harness.send("NICK robert", from: bob)
        harness.send("QUIT", from: bob)
        harness.clear()
        harness.send("WHOWAS bob", "WHOWAS robert 1", "WHOWAS nobody", from: alice, expecting: [
            ":securechat.local 314 alice bob bob 192.0.2.1 * :bob Example",
            ":securechat.local 312 alice bob securechat.local 2023-11-14T22:13:20.000Z",
            ":securechat.local 369 alice bob :End of WHOWAS",
            ":securechat.local 314 alice robert bob 192.0.2.1 * :bob Example",
            ":securechat.local 312 alice robert securechat.local 2023-11-14T22:13:20.000Z",
            ":securechat.local 369 alice robert :End of WHOWAS",
            ":securechat.local 406 alice nobody :There was no such nickname",
            ":securechat.local 369 alice nobody :End of WHOWAS",
        ])
    }

    @Test func whowasKeepsTheLastThousand() {
        var harness = HubHarness()
        let alice = harness.register("alice")
        for _ in 0..<1001 {
            let bob = harness.register("bob")
            harness.send("QUIT", from: bob)
        }
        harness.clear()
        harness.send("WHOWAS bob", from: alice)
        #expect(harness.takeCommands(alice).filter { $0 == "314" }.count == 1000)
    }

    @Test func userhostShowsAwayWithAMinus() {
        var harness = HubHarness()
        let alice = harness.register("alice")
        let bob = harness.register("bob")
        harness.send("AWAY :out", from: bob)
        harness.send("USERHOST alice bob nobody", from: alice, expecting: [
            ":securechat.local 302 alice :alice=+alice@192.0.2.1 bob=-bob@192.0.2.1",
        ])
    }
}
