@testable import ChatClient
import IRC

/// What the session state suites share: server lines written as text, and the parts of
/// the returned actions a test compares.
protocol IRCSessionStateTesting {}

extension IRCSessionStateTesting {
    /// `line` parsed as a server would have sent it.
    func message(_ line: String) throws -> IRCMessage {
        try IRCMessage(parsing: Array(line.utf8))
    }

    /// The lines the actions send, serialized, in order.
    func sent(_ actions: [IRCSessionState.Action]) -> [String] {
        actions.compactMap { action in
            if case .send(let message) = action { return message.serialized }
            return nil
        }
    }

    /// The chat messages the actions show, in order.
    func messages(_ actions: [IRCSessionState.Action]) -> [ChatMessage] {
        actions.compactMap { action in
            if case .event(.message(let message)) = action { return message }
            return nil
        }
    }
}
