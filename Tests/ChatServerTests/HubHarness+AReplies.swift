import ChatServer
import Testing

/// One exchange of alice's with the hub, for tables of commands and their exact answers:
/// the capabilities she asks for, the nicks registered after her, the lines she sends and
/// every line she is sent back, in order.
struct ReplyCase: Sendable, CustomTestStringConvertible {
    let testDescription: String
    let caps: String?
    let peers: [String]
    let lines: [String]
    let replies: [String]

    /// Described by `description`, or else by the lines sent.
    init(_ description: String? = nil, caps: String? = nil, peers: [String] = [], send lines: String..., replies: [String]) {
        testDescription = description ?? lines.joined(separator: " / ")
        self.caps = caps
        self.peers = peers
        self.lines = lines
        self.replies = replies
    }

    /// Runs the exchange in a fresh hub and expects alice to be answered exactly
    /// ``replies``; returns the hub for what else a test checks.
    @discardableResult
    func check(sourceLocation: SourceLocation = #_sourceLocation) -> HubHarness {
        let (received, harness) = HubHarness.exchange(lines, caps: caps, peers: peers)
        #expect(received == replies, sourceLocation: sourceLocation)
        return harness
    }
}

extension HubHarness {
    /// What alice, registered first (requesting `caps` when given) and followed by
    /// `peers`, is sent in answer to `lines`, and the hub afterwards.
    static func exchange(_ lines: [String], caps: String? = nil, peers: [String] = []) -> (replies: [String], harness: HubHarness) {
        var harness = HubHarness()
        let alice = harness.register("alice", caps: caps)
        for peer in peers {
            harness.register(peer)
        }
        for line in lines {
            harness.send(line, from: alice)
        }
        return (harness.take(alice), harness)
    }

    /// What alice, registered first (requesting `caps` when given), is sent in answer to `lines`.
    static func replies(to lines: [String], caps: String? = nil) -> [String] {
        exchange(lines, caps: caps).replies
    }

    /// Sends `lines` from `session` and returns every line it has been sent since its last
    /// take; forgets them.
    mutating func replies(to lines: String..., from session: SessionID) -> [String] {
        for line in lines {
            send(line, from: session)
        }
        return take(session)
    }

    /// Sends `lines` from `session` and expects it to have been sent exactly `replies`
    /// since its last take (nothing when `replies` is empty); forgets them.
    mutating func send(
        _ lines: String...,
        from session: SessionID,
        expecting replies: [String],
        _ comment: Comment? = nil,
        sourceLocation: SourceLocation = #_sourceLocation
    ) {
        for line in lines {
            send(line, from: session)
        }
        #expect(take(session) == replies, comment, sourceLocation: sourceLocation)
    }
}
