import Foundation
import NIOConcurrencyHelpers
import NIOCore
import Testing
import TestSupport
import TLS

@testable import ChatServer

/// Server-side TLS handshakes on the handshake threads, end to end: steps held on the
/// workers for as long as a test needs, while clients leave or the TLS files are reloaded.
@Suite("Handshakes on the handshake threads")
struct ServerHandshakeWorkerTests {
    private static func workers(_ threads: Int, ioThreads: Int) -> (inout ServerConfiguration) -> Void {
        { $0.limits.handshakeThreads = threads; $0.limits.ioThreads = ioThreads }
    }

    /// Polls the server's handshake counts every 5 ms until `condition` holds (at most 10 s).
    @discardableResult
    private static func waitForCounts(
        _ server: TestServer, _ what: String, _ condition: (ChatServer.HandshakeCounts) -> Bool
    ) async throws -> ChatServer.HandshakeCounts {
        let deadline = ContinuousClock.now + .seconds(10)
        while true {
            let counts = try await server.server.handshakeCounts()
            if condition(counts) { return counts }
            guard ContinuousClock.now < deadline else { throw TestTimeout(what: what, events: ["\(counts)"]) }
            try await Task.sleep(for: .milliseconds(5))
        }
    }

    private static let idle = ChatServer.HandshakeCounts()

    @Test(arguments: [1, 2]) func loginCompletesThroughOneHandshakeThread(ioThreads: Int) async throws {
        try await withTestServer(configure: Self.workers(1, ioThreads: ioThreads)) { server in
            #expect(server.server.handshakeWorkers?.count == 1)
            let (alice, bob) = try await server.login("alice", "bob")
            try await alice.send("PRIVMSG #lobby :through the workers")
            #expect(try await bob.waitFor("PRIVMSG").hasSuffix(":through the workers"))
            let counts = try await Self.waitForCounts(server, "handshakes done") { $0.handshakes == 0 }
            #expect(counts == ChatServer.HandshakeCounts(connections: 2))
        }
    }

    @Test func zeroHandshakeThreadsRunsHandshakesOnTheLoops() async throws {
        try await withTestServer(configure: Self.workers(0, ioThreads: 1)) { server in
            #expect(server.server.handshakeWorkers == nil)
            _ = try await server.login("alice")
        }
    }

    @Test(arguments: [1, 2]) func clientLeavingWhileItsStepIsOutIsCleanedUp(ioThreads: Int) async throws {
        try await withTestServer(configure: Self.workers(1, ioThreads: ioThreads)) { server in
            let workers = try #require(server.server.handshakeWorkers)
            let release = workers.hold()
            let leaving = try await server.connect("alice")
            try await Self.waitForCounts(server, "a step out") { $0.stepsOnWorkers == 1 && $0.handshakes == 1 }
            try await leaving.connection.channel.close()
            try await Self.waitForCounts(server, "the connection closed") { $0.connections == 0 }
            release()
            try await Self.waitForCounts(server, "the step back") { $0 == Self.idle }
            // The workers and the loop carry on.
            _ = try await server.login("bob")
        }
    }

    @Test func stepsBeyondTheLoopsLimitWaitTheirTurn() async throws {
        let configure: (inout ServerConfiguration) -> Void = {
            Self.workers(1, ioThreads: 1)(&$0)
            $0.limits.handshakesPerTurn = 1
        }
        try await withTestServer(configure: configure) { server in
            let release = try #require(server.server.handshakeWorkers).hold()
            let alice = try await server.connect("alice")
            let bob = try await server.connect("bob")
            try await Self.waitForCounts(server, "one step out, one waiting") { $0.stepsOnWorkers == 1 && $0.stepsWaiting == 1 }
            try await bob.connection.channel.close()
            release()
            try await alice.register(nick: "alice")
            try await Self.waitForCounts(server, "steps done") { $0.stepsOnWorkers == 0 && $0.stepsWaiting == 0 }
        }
    }

    @Test func manyClientsLeavingMidHandshakeLeaveNothingBehind() async throws {
        try await withTestServer(configure: Self.workers(1, ioThreads: 2)) { server in
            let context = try server.pki.clientContext("alice")
            try await withThrowingTaskGroup(of: Void.self) { group in
                for index in 0..<24 {
                    group.addTask {
                        let client = try await TLSTestClient(port: server.port, context: context)
                        if index % 2 == 0 {
                            try await client.channel.close()
                        } else {
                            _ = try await client.log.waitForHandshake()
                            try await client.channel.close()
                        }
                    }
                }
                try await group.waitForAll()
            }
            try await Self.waitForCounts(server, "everything closed") { $0 == Self.idle }
        }
    }

    @Test(arguments: [1, 2]) func reloadWhileAStepIsOutAppliesToThatHandshake(ioThreads: Int) async throws {
        let pki = try TestPKI()
        let crl = try pki.liveCRL()
        let configure: (inout ServerConfiguration) -> Void = {
            $0.crlPath = crl.path(percentEncoded: false)
            Self.workers(1, ioThreads: ioThreads)(&$0)
        }
        try await withTestServer(pki: pki, configure: configure) { server in
            let release = try #require(server.server.handshakeWorkers).hold()
            let alice = try await server.connect("alice")
            let bob = try await server.connect("bob")
            try await Self.waitForCounts(server, "two steps out") { $0.stepsOnWorkers + $0.stepsWaiting == 2 }
            try replaceFile(crl, with: try pki.ca.writeCRL(revoking: [try pki.client("bob")]))
            server.server.reload()
            try await waitUntil("the reload") { server.log.contains("TLS files reloaded") }
            release()
            #expect(try await bob.waitFor("FAIL").contains(" CERT_REVOKED "))
            try await bob.waitForClose()
            try await alice.register(nick: "alice")
            try await Self.waitForCounts(server, "bob gone") { $0 == ChatServer.HandshakeCounts(connections: 1) }
        }
    }
}

@Suite("Handshake threads")
struct HandshakeWorkersTests {
    #if os(Linux)
    @Test func workerThreadsRunAtNiceTenAndTheCallerKeepsItsPriority() async throws {
        let before = HandshakeWorkers.currentThreadNiceness()
        let workers = HandshakeWorkers(count: 2)
        workers.start()
        let seen = NIOLockedValueBox<[Int32]>([])
        for _ in 0..<8 {
            workers.run { seen.withLockedValue { $0.append(HandshakeWorkers.currentThreadNiceness()) } }
        }
        try await waitUntil("the jobs") { seen.withLockedValue { $0.count } == 8 }
        await workers.shutdown()
        #expect(seen.withLockedValue { $0 }.allSatisfy { $0 == max(before, HandshakeWorkers.niceness) })
        #expect(HandshakeWorkers.currentThreadNiceness() == before)
    }
    #endif
}
