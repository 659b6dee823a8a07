import ChatServer

extension HubHarness {
    /// Sends `lines` from `session` and returns what `session` itself received since its
    /// last take, forgetting it.
    mutating func replies(to lines: String..., from session: SessionID) -> [String] {
        for line in lines {
            send(line, from: session)
        }
        return take(session)
    }
}
