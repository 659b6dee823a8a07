import ChatServer
import NIOCore
import Testing
import TestSupport

/// `sendq` bounds what a client that stops reading holds: the kernel's send buffer is fixed
/// and small, so the bytes due to it pile up where `sendq` counts them.
@Suite("Server: send queue")
struct ServerSendQueueTests {
    @Test func clientThatStopsReadingIsCutOnceAboutSendqBytesAreDueToIt() async throws {
        let sendq = ServerConfiguration.Limits.minimumSendQueueBytes
        try await withTestServer(configure: {
            $0.limits.floodBurst = 1_000_000
            $0.limits.floodRate = 1_000_000
            $0.limits.sendQueueBytes = sendq
        }) { server in
            let (stalled, bob, alice) = try await server.login("carol", "bob", "alice")
            try await stalled.connection.channel.setOption(.autoRead, value: false).get()
            // The stalled client's own receive buffer takes a share too; keep it small.
            try await stalled.connection.channel.setOption(.socketOption(.so_rcvbuf), value: 16_384).get()
            let filler = String(repeating: "x", count: 480)
            let isCut: @Sendable (String) -> Bool = { $0.hasPrefix(":carol!") && $0.contains("QUIT :SendQ exceeded") }
            var due = 0
            // 100 lines of about 520 bytes a batch, at most 100 batches (5 MB).
            for batch in 0..<100 {
                let lines = ServerRobustnessTests.lines(100, from: batch * 100) { "PRIVMSG #lobby :\($0) \(filler)" }
                try await alice.sendRaw(lines)
                // Bob reads all along: once he has the batch, so has the server's side of carol.
                try await bob.waitForLine(timeout: .seconds(20)) { $0.hasSuffix(":\(batch * 100 + 99) \(filler)") }
                due += lines.count
                if bob.lines.contains(where: isCut) { break }
            }
            #expect(bob.lines.contains(where: isCut))
            // sendq, the server's fixed socket buffer, carol's receive buffer, and one batch
            // in flight when the cut was noticed: far less than an auto-tuned 4 MiB.
            #expect(due < sendq + 512 * 1024, "\(due) bytes were due to the stalled client before it was cut")
        }
    }
}
