import ChatServer
import Testing

/// The rooms most hub tests start from, set up one way.
extension HubHarness {
    /// Registers `first` and then `second`, as ``register(_:bound:caps:host:)`` does with
    /// its defaults; both logs are empty afterwards.
    mutating func register(_ first: String, _ second: String) -> (SessionID, SessionID) {
        (register(first), register(second))
    }

    /// Registers three nicks in order; every log is empty afterwards.
    mutating func register(_ first: String, _ second: String, _ third: String) -> (SessionID, SessionID, SessionID) {
        let (one, two) = register(first, second)
        return (one, two, register(third))
    }

    /// Joins `members` to `channel` in order, so the first to join is its operator when
    /// it is new, then forgets everything every session received.
    mutating func channel(_ channel: String, members: [SessionID]) {
        for member in members {
            send("JOIN \(channel)", from: member)
        }
        clear()
    }

    /// What a session that has only connected (bound to alice) is answered to `line`; it
    /// must still be unregistered afterwards.
    static func repliesBeforeRegistration(to line: String, sourceLocation: SourceLocation = #_sourceLocation) -> [String] {
        var harness = HubHarness()
        let session = harness.connect(bound: ["alice"])
        harness.send(line, from: session)
        #expect(!harness.hub.isRegistered(session), "\(line) registered the session", sourceLocation: sourceLocation)
        return harness.take(session)
    }

    /// What alice is answered to `line` while bob alone is in #rust (alice is not); bob
    /// must receive nothing.
    static func repliesOutsideAChannel(to line: String, sourceLocation: SourceLocation = #_sourceLocation) -> [String] {
        var harness = HubHarness()
        let (alice, bob) = harness.register("alice", "bob")
        harness.channel("#rust", members: [bob])
        harness.send(line, from: alice)
        #expect(harness.take(bob).isEmpty, "\(line) reached bob", sourceLocation: sourceLocation)
        return harness.take(alice)
    }
}

extension HubHarness {
    /// alice on a laptop (the default host), then alice again on a phone
    /// (``HubMultiSessionTests/phoneHost``), then bob; every log is empty afterwards.
    mutating func registerLaptopPhoneAndBob() -> (laptop: SessionID, phone: SessionID, bob: SessionID) {
        let laptop = register("alice")
        let phone = register("alice", host: HubMultiSessionTests.phoneHost)
        return (laptop, phone, register("bob"))
    }
}

extension HubHarness {
    /// Expects each of `sessions` to have received exactly `lines` since its last take
    /// (nothing at all when `lines` is empty), and forgets what they received.
    mutating func expect(
        _ sessions: [SessionID],
        received lines: [String],
        _ comment: Comment? = nil,
        sourceLocation: SourceLocation = #_sourceLocation
    ) {
        for session in sessions {
            #expect(take(session) == lines, comment, sourceLocation: sourceLocation)
        }
    }
}
