import IRC

/// Collects what one event produces, in order: replies to the session that caused it
/// and deliveries to others. Handlers append here and never touch a connection.
struct HubResponseBuffer {
    /// The server as a message source.
    let server: IRCSource
    /// The session whose command is being handled.
    let session: SessionID
    /// The first parameter of numerics: the session's nick, or `*` before it has one.
    var target: String
    private(set) var outputs: [HubOutput] = []

    init(server: IRCSource, session: SessionID, target: String) {
        self.server = server
        self.session = session
        self.target = target
    }

    /// Appends `:<server> <numeric> <target> <params...>` for the session.
    mutating func numeric(_ numeric: IRCNumeric, _ params: String...) {
        reply(IRCMessage(source: server, numeric: numeric, params: [target] + params))
    }

    /// Appends `:<server> <numeric> <target> <params...>` for `recipients`: sessions that
    /// share the session's nick, and so the target.
    mutating func numeric(_ numeric: IRCNumeric, _ params: String..., to recipients: [SessionID]) {
        send(IRCMessage(source: server, numeric: numeric, params: [target] + params), to: recipients)
    }

    /// Appends a server NOTICE to the session.
    mutating func notice(_ text: String) {
        reply(IRCMessage(source: server, command: "NOTICE", params: [target, text]))
    }

    /// Appends a standard reply, `FAIL <command> <code> :<text>`, for the session.
    mutating func fail(_ command: String, _ code: IRCFailCode, _ text: String) {
        fail(command, code, [], text)
    }

    /// `FAIL <command> <code> <context>... :<text>`, for the session.
    mutating func fail(_ command: String, _ code: IRCFailCode, _ context: [String], _ text: String) {
        reply(IRCMessage(source: server, command: "FAIL", params: [command, code.rawValue] + context + [text]))
    }

    /// Appends `message` for the session itself.
    mutating func reply(_ message: IRCMessage) {
        outputs.append(.send(message, to: [session]))
    }

    /// Appends `message` for `recipients`; nothing when there are none.
    mutating func send(_ message: IRCMessage, to recipients: [SessionID]) {
        guard !recipients.isEmpty else { return }
        outputs.append(.send(message, to: recipients))
    }

    mutating func append(_ output: HubOutput) {
        outputs.append(output)
    }
}
