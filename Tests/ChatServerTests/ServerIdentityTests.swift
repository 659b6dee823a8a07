import ChatServer
import Foundation
import Testing
import TestSupport
import TLS

/// Who may talk: certificates, the allowlist, live reloads.
@Suite("Server: identity and allowlist")
struct ServerIdentityTests {
    @Test func boundNickRegistersAndJoinsTheLobby() async throws {
        try await withTestServer { server in
            let alice = try await server.connect("alice")
            try await alice.register(nick: "alice")
            try await alice.waitForLine { $0.hasSuffix("JOIN #lobby") }
            try await alice.waitFor("366")
            #expect(try await server.server.sessionCount == 1)
        }
    }

    @Test func nickNotBoundToTheCertificateIsRefusedAndMayRetry() async throws {
        try await withTestServer { server in
            let alice = try await server.connect("alice")
            try await alice.send("NICK bob")
            try await alice.send("USER alice 0 * :Alice")
            let refusal = try await alice.waitFor("432")
            #expect(refusal.contains("your certificate may use: alice;"))
            // The line that would bind bob to this certificate, as the administrator adds it.
            #expect(refusal.hasSuffix("this line to the allowlist: bob \(try server.pki.client("alice").info().fingerprint)"))
            try await alice.send("NICK alice")
            try await alice.waitFor("001")
        }
    }

    @Test func unknownCertificateGetsTheAllowlistLineAndIsClosed() async throws {
        try await withTestServer(allow: ["alice"]) { server in
            let mallory = try await server.connect("mallory")
            try? await mallory.send("NICK mallory")  // the server may already be closing
            let error = try await mallory.waitFor("ERROR")
            #expect(error.contains(try server.allowlist.line("mallory")))
            try await mallory.waitForClose()
            // No line of it was processed: nobody is registered, nobody joined.
            #expect(try await server.server.sessionCount == 0)
        }
    }

    @Test func certificateFromAnotherCAFailsTheHandshake() async throws {
        try await withTestServer { server in
            let foreign = try server.pki.foreignClient()
            let context = try TLSContext(
                client: server.pki.clientConfiguration(foreign, pins: [try server.pki.server.info().publicKeyFingerprint])
            )
            let client = try await IRCTestClient(port: server.port, context: context)
            let error = try await client.log.waitForError()
            #expect(error.code == .rejectedByPeer)
        }
    }

    @Test(arguments: [1, 2]) func reloadAdmitsAnAddedUserAndDisconnectsARemovedOneAtOnce(ioThreads: Int) async throws {
        try await withTestServer(allow: ["alice", "bob"], configure: { $0.limits.ioThreads = ioThreads }) { server in
            let (alice, bob) = try await server.login("alice", "bob")
            try await alice.waitForLine { $0.contains("bob") && $0.hasSuffix("JOIN #lobby") }

            // carol added, bob removed, alice untouched.
            try server.allowlist.write(["alice", "carol"])
            let removedAt = ContinuousClock.now
            #expect(try await bob.waitFor("FAIL", timeout: .seconds(5)).contains(" CERT_NOT_ALLOWED "))
            let error = try await bob.waitFor("ERROR", timeout: .seconds(5))
            #expect(error == "ERROR :Closing link: certificate no longer allowed")
            try await bob.waitForClose(timeout: .seconds(5))
            #expect(ContinuousClock.now - removedAt < .seconds(1))
            try await alice.waitForLine { $0.hasPrefix(":bob!") && $0.contains("QUIT") }

            let carol = try await server.login("carol")
            try await carol.send("PRIVMSG #lobby :hi there")
            try await alice.waitForLine(from: "carol", endingWith: "PRIVMSG #lobby :hi there")
            #expect(!alice.log.isInactive)
        }
    }

    /// `>` truncates the file, then writes it: a reload in between used to see an empty
    /// allowlist and close every session, then admit them again.
    @Test func rewritingTheAllowlistInPlaceClosesNoSession() async throws {
        try await withTestServer(allow: ["alice", "bob"]) { server in
            let (alice, bob) = try await server.login("alice", "bob")
            let text = "# team\n\(try server.allowlist.line("alice"))\n\(try server.allowlist.line("bob"))\n"
            let path = server.allowlist.path
            for round in 0..<60 {
                let descriptor = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC)
                #expect(descriptor >= 0)
                try await Task.sleep(for: .milliseconds(20))
                let written = Array(text.utf8).withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
                #expect(written == text.utf8.count)
                close(descriptor)
                try await Task.sleep(for: .milliseconds(round % 20 == 19 ? 300 : 10))
            }
            for client in [alice, bob] {
                #expect(!client.log.isInactive)
                try await client.send("PING :still-here")
                try await client.waitForLine { $0.hasSuffix("still-here") }
                #expect(!client.lines.contains { $0.hasPrefix("ERROR") || $0.contains(" FAIL ") })
            }
        }
    }

    /// Emptying the allowlist on purpose is how an operator locks everyone out.
    @Test func allowlistEmptiedOnPurposeClosesEverySession() async throws {
        try await withTestServer(allow: ["alice"]) { server in
            let alice = try await server.login("alice")
            try Data().write(to: server.allowlist.url)
            let error = try await alice.waitFor("ERROR", timeout: .seconds(5))
            #expect(error == "ERROR :Closing link: certificate no longer allowed")
        }
    }

    @Test func malformedAllowlistIsRefusedAndTheOldOneStays() async throws {
        try await withTestServer(allow: ["alice", "bob"]) { server in
            let bob = try await server.login("bob")
            // Line 2 is malformed: the whole file is refused, bob stays.
            try server.allowlist.write(text: "\(try server.allowlist.line("alice"))\nbob sha256:nothex\n")
            server.server.reload()
            // Counted on the hub's loop after the reload has run: had any of the file been
            // used, bob would be gone by now.
            #expect(try await server.server.sessionCount == 1)
            try await bob.roundTrip("still-here")
        }
    }

    @Test func crlfAndBOMAllowlistIsNotMalformed() async throws {
        try await withTestServer(allow: ["alice"]) { server in
            try server.allowlist.write(text: "\u{FEFF}# team\r\n\(try server.allowlist.line("alice"))\r\n\(try server.allowlist.line("bob"))\r\n")
            server.server.reload()
            // The reload runs on the hub's loop before anything asked of it later.
            _ = try await server.server.sessionCount
            _ = try await server.login("bob")
        }
    }

    @Test(arguments: [1, 2]) func revokedCertificateOfALiveSessionIsClosedOnTLSReload(ioThreads: Int) async throws {
        let pki = try TestPKI()
        let crl = try pki.liveCRL()
        let configure: (inout ServerConfiguration) -> Void = {
            $0.crlPath = crl.path(percentEncoded: false)
            $0.limits.ioThreads = ioThreads
        }
        try await withTestServer(pki: pki, configure: configure) { server in
            let (alice, bob) = try await server.login("alice", "bob")
            try replaceFile(crl, with: try pki.ca.writeCRL(revoking: [try pki.client("bob")]))
            server.server.reload()
            #expect(try await bob.waitFor("FAIL").contains(" CERT_REVOKED "))
            let error = try await bob.waitFor("ERROR")
            #expect(error.contains("certificate revoked"))
            try await bob.waitForClose()
            try await alice.roundTrip()
        }
    }

    @Test func saslExternalLogsInAsTheCertificatesAccount() async throws {
        try await withTestServer { server in
            let alice = try await server.connect("alice")
            try await alice.send("CAP LS 302")
            try await alice.waitForLine { $0.contains("CAP * LS") && $0.contains("sasl") }
            try await alice.send("CAP REQ :sasl")
            try await alice.waitForLine { $0.contains("ACK") }
            try await alice.sendRegistration(nick: "alice", realName: "Alice")
            try await alice.send("AUTHENTICATE EXTERNAL")
            try await alice.waitForLine { $0.hasSuffix("AUTHENTICATE +") }
            try await alice.send("AUTHENTICATE +")
            try await alice.waitFor("900")
            try await alice.waitFor("903")
            try await alice.send("CAP END")
            try await alice.waitFor("001")
        }
    }
}
