import ChatClient
import ChatServer
import Foundation
import TestSupport
import Testing

/// Catching up against the real server: what was said while a session was away arrives
/// once, marked as history, and nothing seen before comes again.
@Suite struct ChatHistoryEndToEndTests {
    @Test func aReconnectedSessionGetsTheMissedMessagesExactlyOnce() async throws {
        // One session per nick: a second login of alice closes the session's connection,
        // which then reconnects as after any lost connection.
        try await withTestServer(configure: { $0.limits.maxSessionsPerNick = 1 }) { server in
            let bob = try await ChatConnection.connect(try server.clientConfiguration("bob"), rooms: ["#dev"])
            try await bob.deliver("said before alice came", to: "#dev")

            var configuration = try server.clientConfiguration("alice")
            configuration.rooms = ["#dev"]
            var policy = ReconnectPolicy()
            policy.initialDelay = .milliseconds(1500)
            policy.jitter = 0
            let session = ChatSession(configuration: configuration, interactive: false, policy: policy)
            let events = EventCollector(session.events)
            let runner = Task { await session.run() }
            do {
                // The first join shows the room's latest messages as history.
                try await events.waitFor("the earlier message, as history") { event in
                    if case .message(let message) = event { return message.text == "said before alice came" && message.isHistory }
                    return false
                }
                try await bob.deliver("seen live", to: "#dev")
                try await events.waitFor("the live message") { event in
                    if case .message(let message) = event { return message.text == "seen live" && !message.isHistory }
                    return false
                }

                let intruder = try await server.login("alice")
                try await events.waitFor("the connection lost") { event in
                    if case .reconnecting = event { return true }
                    return false
                }
                try await bob.deliver("missed in the room", to: "#dev")
                try await bob.deliver("missed privately", to: "alice")
                await intruder.close()

                try await events.waitFor("reconnected", timeout: .seconds(20)) { event in
                    if case .reconnected = event { return true }
                    return false
                }
                for text in ["missed in the room", "missed privately"] {
                    try await events.waitFor(text) { event in
                        if case .message(let message) = event { return message.text == text }
                        return false
                    }
                }
                let caughtUp = try await events.waitFor("the catch-up's end") { event in
                    if case .caughtUp = event { return true }
                    return false
                }
                #expect(caughtUp == .caughtUp(missed: 2))
                try await bob.deliver("after the catch-up", to: "#dev")
                try await events.waitFor("the next live message") { event in
                    if case .message(let message) = event { return message.text == "after the catch-up" }
                    return false
                }

                let shown = events.messages
                for text in ["said before alice came", "seen live", "missed in the room", "missed privately", "after the catch-up"] {
                    #expect(shown.filter { $0.text == text }.count == 1, "\(text) shown once: \(shown.map(\.text))")
                }
                let missed = try #require(shown.first { $0.text == "missed in the room" })
                #expect(missed.isHistory && missed.room == "#dev" && missed.msgid != nil)
                // Another alice session got it live, so nothing was kept for an offline
                // alice: CHATHISTORY TARGETS found the conversation.
                let whisper = try #require(shown.first { $0.text == "missed privately" })
                #expect(whisper.isHistory && whisper.isPrivate && whisper.from == "bob")
                #expect(shown.first { $0.text == "after the catch-up" }?.isHistory == false)
            } catch {
                await session.quit()
                _ = await runner.value
                await bob.quit()
                throw error
            }
            await session.quit()
            #expect(await runner.value == nil)
            await bob.quit()
        }
    }
}
