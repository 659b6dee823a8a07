@testable import ChatServer
@testable import ServerMetrics
import Testing

@Suite("metric labels from closed sets")
struct MetricsClassificationTests {
    @Test(arguments: [
        ("Quit: bye", DisconnectReason.quit),
        ("Quit", .quit),
        ("Ping timeout: 60 seconds", .pingTimeout),
        ("Closing link: registration timed out after 30 seconds", .registrationTimeout),
        ("SendQ exceeded", .sendqExceeded),
        ("Excess Flood: faster than 5 lines/s for 10 s", .flood),
        ("Closing link: certificate no longer allowed", .allowlistRemoved),
        ("Closing link: nick bob is no longer bound to your certificate", .allowlistRemoved),
        ("Closing link: your certificate is not in this server's allowlist. To admit it, …", .notAllowlisted),
        ("Closing link: client certificate no longer accepted: certificate revoked", .tlsReloadRefused),
        ("Closing link: more than 8 sessions for alice; this was the oldest", .sessionLimit),
        ("Closing link: more than 1 session for alice; this was the oldest", .sessionLimit),
        ("Closing link: more than 1024 lines before registration", .protocolError),
        ("Closing link: this is an IRC server over TLS, not a web server", .protocolError),
        ("Closing link: 9000 bytes received without a line end; …", .protocolError),
        ("Closing link: Killed (alice (spamming))", .killed),
        ("Server shutting down", .shutdown),
        ("Connection closed", .connectionClosed),
        ("TLS: the peer closed the connection without a TLS close_notify", .ioError),
        ("Closing link: Connection reset by peer (errno: 104)", .ioError),
        ("something new", .other),
    ])
    func disconnectReasonIsReadOffTheCloseReason(reason: String, expected: DisconnectReason) {
        #expect(DisconnectReason(classifying: reason) == expected)
    }

    @Test(arguments: [
        ("127.0.0.1:9697", "127.0.0.1", 9697, true),
        ("[::1]:0", "::1", 0, true),
        ("localhost:9100", "localhost", 9100, true),
        ("0.0.0.0:9697", "0.0.0.0", 9697, false),
        ("[2001:db8::1]:80", "2001:db8::1", 80, false),
    ])
    func listenAddressesParse(text: String, host: String, port: Int, isLoopback: Bool) {
        let address = ListenAddress(parsing: text)
        #expect(address == ListenAddress(host: host, port: port))
        #expect(address?.isLoopback == isLoopback)
        #expect(address?.description == text)
    }

    @Test(arguments: ["9697", "127.0.0.1", "127.0.0.1:", "127.0.0.1:70000", "::1:9697", "[::1]9697", ":9697", "a b:1"])
    func malformedListenAddressesAreRefused(text: String) {
        #expect(ListenAddress(parsing: text) == nil)
    }

    @Test func processStatIsReadByFieldPosition() throws {
        // pid (comm with ") spaces") state ppid … as proc(5) lays it out; utime 250, stime 50,
        // starttime 1000 ticks, vsize 4096000, rss 100 pages.
        let fields = ["S"] + Array(repeating: "0", count: 10) + ["250", "50"] + Array(repeating: "0", count: 6)
            + ["1000", "4096000", "100"] + Array(repeating: "0", count: 5)
        let stat = "4242 (odd ) name) " + fields.joined(separator: " ")
        let metrics = try #require(ProcessMetrics.parse(stat: stat, bootTime: 1_700_000_000))
        #expect(metrics.virtualBytes == 4_096_000)
        #expect(metrics.cpuSeconds > 0)
        #expect(metrics.startTimeSeconds > 1_700_000_000)
        #expect(ProcessMetrics.parse(stat: "garbage", bootTime: 0) == nil)
        #expect(ProcessMetrics.read() != nil)
    }
}
