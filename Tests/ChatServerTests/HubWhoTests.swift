import ChatServer
import Foundation
import IRC
import Testing

/// WHO with channels and masks, and who is visible to whom.
@Suite struct HubWhoTests {
    static let server = ":securechat.local"

    static func reply(_ asker: String, _ nick: String, host: String = "192.0.2.1", channel: String = "*", flags: String = "H") -> String {
        "\(server) 352 \(asker) \(channel) \(nick) \(host) securechat.local \(nick) \(flags) :0 \(nick) Example"
    }

    @Test(arguments: [
        ("WHO *", ["eva", "evan", "zed"]),
        ("WHO 0", ["eva", "evan", "zed"]),
        ("WHO eva*", ["eva", "evan"]),
        ("WHO EVA", ["eva"]),
        ("WHO ?ed", ["zed"]),
        ("WHO *!*@198.51.100.*", ["zed"]),
        ("WHO z*!zed@*", ["zed"]),
        ("WHO nobody*", []),
    ])
    func masksMatchNicksAndHostmasks(line: String, nicks: [String]) {
        var harness = HubHarness()
        let eva = harness.register("eva")
        harness.register("evan")
        harness.register("zed", host: "198.51.100.7")
        harness.send(line, from: eva)
        let mask = String(line.dropFirst(4))
        let expected = nicks.map { Self.reply("eva", $0, host: $0 == "zed" ? "198.51.100.7" : "192.0.2.1") }
            + ["\(Self.server) 315 eva \(mask) :End of WHO list"]
        #expect(harness.take(eva) == expected)
    }

    @Test func invisibleUsersAreListedOnlyToThoseSharingAChannel() {
        var harness = HubHarness()
        let (eva, evan, zed) = harness.register("eva", "evan", "zed")
        harness.send("MODE evan +i", "PART #lobby", "JOIN #quiet", from: evan)
        harness.send("JOIN #quiet", from: zed)
        harness.clear()
        harness.send("WHO ev*", "WHO #quiet", "WHO evan", from: eva)
        #expect(harness.take(eva) == [
            Self.reply("eva", "eva"),
            "\(Self.server) 315 eva ev* :End of WHO list",
            Self.reply("eva", "zed", channel: "#quiet"),
            "\(Self.server) 315 eva #quiet :End of WHO list",
            Self.reply("eva", "evan"),
            "\(Self.server) 315 eva evan :End of WHO list",
        ])
        harness.send("WHO ev*", "WHO #quiet", from: zed)
        #expect(harness.take(zed) == [
            Self.reply("zed", "eva"),
            Self.reply("zed", "evan"),
            "\(Self.server) 315 zed ev* :End of WHO list",
            Self.reply("zed", "evan", channel: "#quiet", flags: "H@"),
            Self.reply("zed", "zed", channel: "#quiet"),
            "\(Self.server) 315 zed #quiet :End of WHO list",
        ])
    }
}
