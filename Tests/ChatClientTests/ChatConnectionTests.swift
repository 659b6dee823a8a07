import ChatClient
import Foundation
import NIOConcurrencyHelpers
import TLS
import TestSupport
import Testing

/// End to end against an in-process ChatServer on 127.0.0.1.
@Suite struct ChatConnectionTests {
    @Test func deliverReturnsAfterTheEchoAndOthersReceiveTheMessage() async throws {
        try await withTestServer { server in
            let bob = try await ChatConnection.connect(try server.clientConfiguration("bob"))
            let bobEvents = EventCollector(bob.events)
            let alice = try await ChatConnection.connect(try server.clientConfiguration("alice"))
            let aliceEvents = EventCollector(alice.events)
            #expect(alice.nick == "alice")

            try await alice.deliver("deploy done ✅", to: "#lobby")
            try await aliceEvents.waitFor("the echo") { event in
                if case .message(let message) = event { return message.text == "deploy done ✅" }
                return false
            }
            try await alice.deliver("second", to: "#lobby")
            try await aliceEvents.waitFor("the second echo") { event in
                if case .message(let message) = event { return message.text == "second" }
                return false
            }
            let own = aliceEvents.messages.filter { $0.text == "deploy done ✅" }
            #expect(own.count == 1, "the own message is seen once")
            #expect(own.first?.isOwnEcho == true)
            #expect(own.first?.room == "#lobby")

            try await bobEvents.waitFor("alice's message") { event in
                if case .message(let message) = event { return message.text == "deploy done ✅" && message.from == "alice" }
                return false
            }
            await alice.quit()
            try await bobEvents.waitFor("alice quit") { event in
                if case .quit("alice", _) = event { return true }
                return false
            }
            await bob.quit()
        }
    }

    @Test func publicMessageReachesBothAndPrivateOnlyItsTarget() async throws {
        try await withTestServer { server in
            let alice = try await ChatConnection.connect(try server.clientConfiguration("alice"))
            let bob = try await ChatConnection.connect(try server.clientConfiguration("bob"))
            let carol = try await ChatConnection.connect(try server.clientConfiguration("carol"))
            let (bobEvents, carolEvents) = (EventCollector(bob.events), EventCollector(carol.events))

            try await alice.deliver("just for bob", to: "bob")
            try await alice.deliver("for everyone", to: "#lobby")
            for collector in [bobEvents, carolEvents] {
                try await collector.waitFor("the public message") { event in
                    if case .message(let message) = event { return message.text == "for everyone" && !message.isPrivate }
                    return false
                }
            }
            let whisper = try #require(bobEvents.messages.first { $0.text == "just for bob" })
            #expect(whisper.isPrivate)
            #expect(whisper.from == "alice")
            #expect(!carolEvents.messages.contains { $0.text == "just for bob" })
            for connection in [alice, bob, carol] { await connection.quit() }
        }
    }

    @Test func messageToUnknownNickFailsWith401() async throws {
        try await withTestServer { server in
            let alice = try await ChatConnection.connect(try server.clientConfiguration("alice"))
            await #expect {
                try await alice.deliver("hello?", to: "nobody")
            } throws: { error in
                guard let error = error as? ChatClientError else { return false }
                return error.code == .noSuchTarget && error.reason.contains("401") && error.reason.contains("nobody")
            }
            await alice.quit()
        }
    }

    @Test func certificateNotInAllowlistIsRefusedWithTheLineToAdd() async throws {
        try await withTestServer(allow: ["alice"]) { server in
            let line = try server.allowlist.line("dave")
            await #expect {
                _ = try await ChatConnection.connect(try server.clientConfiguration("dave"))
            } throws: { error in
                guard let error = error as? ChatClientError else { return false }
                return error.code == .certificateNotAllowed && error.isFinal && error.reason.contains(line)
            }
        }
    }

    @Test func pinMismatchIsRefusedNamingBothPins() async throws {
        try await withTestServer { server in
            var configuration = try server.clientConfiguration("alice")
            let wrong = try server.pki.client("mallory").info().publicKeyFingerprint
            configuration.pins = [wrong]
            let presented = try server.pki.server.info().publicKeyFingerprint
            await #expect {
                _ = try await ChatConnection.connect(configuration)
            } throws: { error in
                guard let error = error as? ChatClientError else { return false }
                return error.code == .pinMismatch && error.reason.contains(wrong.description)
                    && error.reason.contains(presented.description)
            }
        }
    }

    @Test func certificateFromAnotherCAIsRefusedByTLSAndIsFinal() async throws {
        try await withTestServer { server in
            var configuration = try server.clientConfiguration("alice")
            let foreign = try server.pki.foreignClient()
            configuration.certificatePath = foreign.certificatePath.path(percentEncoded: false)
            configuration.privateKeyPath = foreign.keyPath.path(percentEncoded: false)
            configuration.nick = "foreign"
            await #expect {
                _ = try await ChatConnection.connect(configuration)
            } throws: { error in
                guard let error = error as? ChatClientError else { return false }
                return error.code == .certificateRefused && error.isFinal
            }
        }
    }

    @Test func nickNotBoundToTheCertificateIsFinal() async throws {
        try await withTestServer { server in
            var configuration = try server.clientConfiguration("alice")
            configuration.nick = "bob"
            await #expect {
                _ = try await ChatConnection.connect(configuration)
            } throws: { error in
                guard let error = error as? ChatClientError else { return false }
                return error.code == .nickNotBound && error.isFinal && error.reason.contains("not bound")
            }
        }
    }

    @Test func firstContactIsRefusedToScriptsAndRecordedWhenConfirmed() async throws {
        try await withTestServer { server in
            let configuration = try server.clientConfiguration("alice", pinned: false)
            let key = try server.pki.server.info().publicKeyFingerprint
            await #expect {
                _ = try await ChatConnection.connect(configuration, interactive: false)
            } throws: { error in
                (error as? ChatClientError)?.code == .untrustedServer
                    && (error as? ChatClientError)?.reason.contains("--pin \(key)") == true
            }
            await #expect(throws: ChatClientError(.untrustedServer, "")) {
                _ = try await ChatConnection.connect(configuration, interactive: true) { _ in false }
            }
            #expect(try KnownServers(path: configuration.knownServersPath).entry(for: configuration.serverAddress) == nil)

            let asked = NIOLockedValueBox<[ServerTrust.FirstContact]>([])
            let first = try await ChatConnection.connect(configuration, interactive: true) { contact in
                asked.withLockedValue { $0.append(contact) }
                return true
            }
            await first.quit()
            #expect(asked.withLockedValue { $0.map(\.publicKey) } == [key])
            #expect(try KnownServers(path: configuration.knownServersPath).entry(for: configuration.serverAddress)?.key == key)

            // Known now: a script connects without asking.
            let again = try await ChatConnection.connect(configuration, interactive: false)
            await again.quit()

            // A different recorded key is refused, with the forget command.
            var known = try KnownServers(path: configuration.knownServersPath)
            try known.add(configuration.serverAddress, key: try server.pki.client("mallory").info().publicKeyFingerprint)
            await #expect {
                _ = try await ChatConnection.connect(configuration, interactive: true) { _ in true }
            } throws: { error in
                (error as? ChatClientError)?.code == .knownServerMismatch
                    && (error as? ChatClientError)?.reason.contains("securechat forget \(configuration.serverAddress)") == true
            }
        }
    }

    @Test func sessionStopsWhenTheCertificateIsNoLongerAllowed() async throws {
        try await withTestServer(allow: ["alice", "bob"]) { server in
            var policy = ReconnectPolicy()
            policy.initialDelay = .milliseconds(50)
            let session = ChatSession(configuration: try server.clientConfiguration("alice"), interactive: false, policy: policy)
            let events = EventCollector(session.events)
            let runner = Task { await session.run() }
            try await events.waitFor("registered") { event in
                if case .registered = event { return true }
                return false
            }
            try server.allowlist.write(["bob"])
            let ended = try await events.waitFor("the end", timeout: .seconds(15)) { event in
                if case .disconnected = event { return true }
                return false
            }
            #expect(ended == .disconnected(ChatClientError(.certificateNotAllowed, "")))
            #expect(await runner.value?.code == .certificateNotAllowed)
            #expect(!events.events.contains { if case .reconnecting = $0 { true } else { false } }, "a final cause is not retried")
        }
    }

    @Test func sessionReportsAnUnreachableServerAtOnce() async throws {
        let server = try await TestServer.start(pki: try TestPKI(), allow: ["alice"])
        let configuration = try server.clientConfiguration("alice")
        try await server.stop()
        let session = ChatSession(configuration: configuration, interactive: false)
        let cause = await session.run()
        #expect(cause?.code == .connectionFailed)
        #expect(cause?.reason.contains("127.0.0.1:\(configuration.port)") == true)
    }

    @Test func sessionReconnectsAfterServerRestartAndRejoinsRooms() async throws {
        let pki = try TestPKI()
        var server = try await TestServer.start(pki: pki, allow: ["alice", "bob"])
        let port = server.port
        var configuration = try server.clientConfiguration("alice")
        configuration.rooms = ["#dev"]
        var policy = ReconnectPolicy()
        policy.initialDelay = .milliseconds(100)
        policy.maximumDelay = .milliseconds(400)
        let session = ChatSession(configuration: configuration, interactive: false, policy: policy)
        let events = EventCollector(session.events)
        let runner = Task { await session.run() }
        do {
            try await events.waitFor("#dev joined") { event in
                if case .joined("#dev", _, true) = event { return true }
                return false
            }
            try await server.stop()
            try await events.waitFor("reconnecting") { event in
                if case .reconnecting = event { return true }
                return false
            }
            server = try await TestServer.start(pki: pki, allow: ["alice", "bob"], port: port)
            let reconnected = try await events.waitFor("reconnected", timeout: .seconds(20)) { event in
                if case .reconnected = event { return true }
                return false
            }
            guard case .reconnected(let rooms) = reconnected else { return }
            #expect(rooms.contains("#dev"))
            let deadline = ContinuousClock.now + .seconds(10)
            while Self.devJoins(events) < 2, ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(10))
            }
            #expect(Self.devJoins(events) == 2, "joined #dev again on the new connection")

            // The new connection carries messages.
            let bob = try await ChatConnection.connect(try server.clientConfiguration("bob"), rooms: ["#dev"])
            try await bob.deliver("welcome back", to: "#dev")
            try await events.waitFor("bob's message") { event in
                if case .message(let message) = event { return message.text == "welcome back" }
                return false
            }
            await bob.quit()

            // The reconnect was a success: the next loss starts over at attempt 1.
            let before = events.events.count
            try await server.stop()
            let next = try await events.waitFor("reconnecting again") { event in
                if case .reconnecting = event { return events.events.firstIndex(of: event).map { $0 >= before } ?? false }
                return false
            }
            guard case .reconnecting(_, let attempt, let cause) = next else { return }
            #expect(attempt == 1)
            #expect(!cause.contains("errno") && !cause.contains("SingleConnectionFailure"), "\(cause)")
            server = try await TestServer.start(pki: pki, allow: ["alice", "bob"], port: port)
        } catch {
            await session.quit()
            _ = await runner.value
            try? await server.stop()
            throw error
        }
        await session.quit()
        #expect(await runner.value == nil)
        try await server.stop()
    }

    static func devJoins(_ collector: EventCollector) -> Int {
        collector.events.filter { event in
            if case .joined("#dev", _, true) = event { return true }
            return false
        }.count
    }
}
