@testable import ChatClient
import Foundation
import IRC
import NIOCore
import NIOPosix
import TLS
import TestSupport
import Testing

/// A reconnect is said in words, once per attempt, and shown as one line afterwards.
@Suite struct ReconnectDisplayTests: IRCSessionStateTesting {
    @Test func theRejoinBlockIsReplacedByOneLine() {
        var quieting = ReconnectQuieting()
        let first: [ChatEvent] = [
            .registered(nick: "alice"), .joined(room: "#lobby", nick: "alice", isSelf: true),
            .topic(room: "#lobby", text: "t", setBy: nil), .names(room: "#lobby", nicks: ["alice"]),
        ]
        #expect(first.allSatisfy { quieting.shows($0) }, "the first connection shows everything")
        let again: [(ChatEvent, Bool)] = [
            (.reconnected(rooms: ["#lobby", "#ops"]), true),
            (.registered(nick: "alice"), false),
            (.joined(room: "#lobby", nick: "alice", isSelf: true), false),
            (.topic(room: "#lobby", text: "t", setBy: nil), false),
            (.names(room: "#lobby", nicks: ["alice"]), false),
            (.joined(room: "#OPS", nick: "alice", isSelf: true), false),
            (.names(room: "#ops", nicks: ["alice"]), false),
            (.joined(room: "#lobby", nick: "bob", isSelf: false), true),
            (.caughtUp(missed: 2), true),
            // Later joins and topics are news again.
            (.topic(room: "#lobby", text: "new", setBy: "bob"), true),
            (.joined(room: "#dev", nick: "alice", isSelf: true), true),
            (.names(room: "#dev", nicks: ["alice"]), true),
        ]
        for (event, shown) in again { #expect(quieting.shows(event) == shown, "\(event)") }
    }

    @Test func aReconnectsCatchUpEndsWithTheCountOfMissedMessages() throws {
        var memory = HistoryMemory()
        _ = memory.record(msgid: "m0", in: "#dev", time: Date(timeIntervalSince1970: 1_700_000_000))
        _ = memory.follow("#dev", at: Date(timeIntervalSince1970: 1_700_000_000))
        var state = IRCSessionState(nick: "alice", rooms: ["#dev"], memory: memory)
        _ = state.receive(try message(":srv CAP * LS :batch draft/chathistory"))
        _ = state.receive(try message(":srv CAP * ACK :batch draft/chathistory"))
        _ = state.receive(try message(":srv 001 alice :Welcome"))
        let actions = try feed(&state, [
            ":alice!alice@h JOIN #dev",
            ":srv BATCH +t draft/chathistory-targets",
            ":srv BATCH -t",
            ":srv BATCH +h chathistory #dev",
            "@batch=h;msgid=m1;time=2026-01-02T03:04:05.000Z :bob!bob@h PRIVMSG #dev :one",
            "@batch=h;msgid=m2;time=2026-01-02T03:04:06.000Z :bob!bob@h PRIVMSG #dev :two",
            ":srv BATCH -h",
        ])
        let caughtUp = actions.compactMap { action -> Int? in
            if case .event(.caughtUp(let missed)) = action { return missed }
            return nil
        }
        #expect(caughtUp == [2])
    }

    @Test func aRefusedConnectionIsSaidInWords() async throws {
        let pki = try TestPKI()
        // A port nobody listens on: bind one, note it, close it.
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton).bind(host: "127.0.0.1", port: 0).get()
        let port = try #require(channel.localAddress?.port)
        try await channel.close()
        var configuration = ClientConfiguration()
        configuration.host = "127.0.0.1"
        configuration.port = port
        configuration.certificatePath = try pki.client("alice").certificatePath.path(percentEncoded: false)
        configuration.privateKeyPath = try pki.client("alice").keyPath.path(percentEncoded: false)
        configuration.nick = "alice"
        configuration.pins = [try pki.server.info().publicKeyFingerprint]
        await #expect(throws: ChatClientError(.connectionFailed, "")) {
            _ = try await ChatConnection.connect(configuration)
        }
        do {
            _ = try await ChatConnection.connect(configuration)
        } catch {
            #expect(error.reason.hasPrefix("cannot reach 127.0.0.1:\(port): connection refused;"), "\(error.reason)")
            #expect(!error.reason.contains("SingleConnectionFailure") && !error.reason.contains("errno"))
        }
    }
}
