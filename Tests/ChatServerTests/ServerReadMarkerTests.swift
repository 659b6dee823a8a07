import ChatServer
import Foundation
import Testing
import TestSupport

/// draft/read-marker over real TLS: a marker set on one device reaches the other and is
/// still there after a restart, from the history log.
@Suite("Server: read markers")
struct ServerReadMarkerTests {
    static let marker = "timestamp=2024-01-02T03:04:05.678Z"

    @Test func aMarkerReachesTheNicksOtherSessionAndOutlivesARestart() async throws {
        let pki = try TestPKI()
        try await withTestServer(pki: pki) { server in
            let laptop = try await ServerHistoryTests.login(server, "alice", caps: "draft/read-marker")
            let phone = try await ServerHistoryTests.login(server, "alice", caps: "draft/read-marker")
            try await laptop.send("MARKREAD #lobby \(Self.marker)")
            try await laptop.waitForLine { $0 == ":test.securechat MARKREAD #lobby \(Self.marker)" }
            try await phone.waitForLine { $0 == ":test.securechat MARKREAD #lobby \(Self.marker)" }
        }
        try await withTestServer(pki: pki) { server in
            let client = try await ServerHistoryTests.login(server, "alice", caps: "draft/read-marker")
            // The default channel's JOIN at login carries the stored marker before NAMES.
            try await client.waitFor("366")
            let lines = client.lines
            let join = try #require(lines.firstIndex { $0.hasSuffix("JOIN #lobby") })
            let marker = try #require(lines.firstIndex { $0 == ":test.securechat MARKREAD #lobby \(Self.marker)" })
            let names = try #require(lines.firstIndex { $0.contains(" 366 ") })
            #expect(join < marker && marker < names)
        }
    }
}
