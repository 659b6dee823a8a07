import ChatServer
import Testing

/// One step of a scenario in one call: a client sends, and what it and others were sent is
/// read back or checked at once.
extension HubHarness {
    /// Sends `lines` from `session` to set the scene, then forgets everything every session
    /// received.
    mutating func prepare(_ lines: String..., from session: SessionID) {
        for line in lines {
            send(line, from: session)
        }
        clear()
    }

    /// Sends `line` from `sender`, then expects each listed session to have received exactly
    /// its lines since its last take (nothing at all for an empty list), and forgets them.
    /// Sessions not listed keep what they received.
    mutating func send(
        _ line: String,
        from sender: SessionID,
        expecting received: KeyValuePairs<SessionID, [String]>,
        _ comment: Comment? = nil,
        sourceLocation: SourceLocation = #_sourceLocation
    ) {
        send(line, from: sender)
        for (session, lines) in received {
            #expect(take(session) == lines, comment, sourceLocation: sourceLocation)
        }
    }

    /// Sends `line` from `sender`, then expects each of `sessions` to have received exactly
    /// `lines` since its last take, and forgets them.
    mutating func send(
        _ line: String,
        from sender: SessionID,
        announcing lines: [String],
        to sessions: [SessionID],
        _ comment: Comment? = nil,
        sourceLocation: SourceLocation = #_sourceLocation
    ) {
        send(line, from: sender)
        expect(sessions, received: lines, comment, sourceLocation: sourceLocation)
    }

}

/// The rooms several suites start from, each returned with its harness.
extension HubHarness {
    /// alice registered (requesting `caps` when given) and alone in `channel`, so its
    /// operator; her log empty.
    static func aliceAlone(in channel: String, caps: String? = nil) -> (HubHarness, alice: SessionID) {
        var harness = HubHarness()
        let alice = harness.register("alice", caps: caps)
        harness.channel(channel, members: [alice])
        return (harness, alice)
    }

    /// alice (operator) and bob in #rust, carol registered but outside it; every log empty.
    static func rustWithCarolOutside(
        _ harness: HubHarness = HubHarness()
    ) -> (HubHarness, alice: SessionID, bob: SessionID, carol: SessionID) {
        var harness = harness
        let (alice, bob, carol) = harness.register("alice", "bob", "carol")
        harness.channel("#rust", members: [alice, bob])
        return (harness, alice, bob, carol)
    }
}
