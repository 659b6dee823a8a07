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

    /// alice's state, in no room, once the server has welcomed her (001).
    func welcomedAlice() throws -> IRCSessionState {
        var state = IRCSessionState(nick: "alice", rooms: [])
        _ = state.receive(try self.message(":srv 001 alice :Welcome"))
        return state
    }

    /// Feeds `lines` to `state` in order and returns every action.
    func feed(_ state: inout IRCSessionState, _ lines: [String]) throws -> [IRCSessionState.Action] {
        var actions: [IRCSessionState.Action] = []
        for line in lines { actions += state.receive(try self.message(line)) }
        return actions
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
