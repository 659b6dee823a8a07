import Foundation
import IRC
import TLS

/// An operator session: the name it gave OPER and the class that name granted.
struct OperatorStatus: Sendable, Equatable {
    let name: String
    var operatorClass: OperatorClass
}

extension HubState {
    // MARK: - For other code

    /// Which class of operator `session` is, or nil when it is none: it never gave a
    /// successful OPER, dropped `+o`, or server.toml or the allowlist no longer grant it.
    ///
    /// Operator status belongs to the session (the certificate is the credential), not to
    /// the nick: a nick's other sessions are operators only once they give OPER too.
    public func operatorClass(of session: SessionID) -> OperatorClass? {
        operators[session]?.operatorClass
    }

    /// Server notices to every operator session: `NOTICE <nick> :*** <text>`, one per nick
    /// to all of its operator sessions, and ``HubOutput/serverNotice(_:)`` so that the
    /// transport logs it. The same outputs whoever calls, inside a command or not.
    public func notifyOperators(_ text: String) -> [HubOutput] {
        var outputs: [HubOutput] = [.serverNotice(text)]
        guard !operators.isEmpty else { return outputs }
        var byNick: [String: [SessionID]] = [:]
        for session in operators.keys.sorted() {
            guard let nick = sessions.read(session, { $0.nick }) ?? nil else { continue }
            byNick[nick, default: []].append(session)
        }
        // Room for the source and a 30-byte nick within 510 bytes.
        let line = "*** " + Self.truncated(text, toBytes: 400)
        for (nick, recipients) in byNick.sorted(by: { $0.key < $1.key }) {
            outputs.append(.send(IRCMessage(source: server, command: "NOTICE", params: [nick, line]), to: recipients))
        }
        return outputs
    }

    /// Replaces who may become an operator: at start and when server.toml is read again.
    /// Operator sessions the new list no longer grants lose `+o` (``revalidateOperator(_:into:)``);
    /// the others take the class it gives them now.
    public mutating func setOperators(_ list: OperatorList) -> [HubOutput] {
        operatorList = list
        var outputs: [HubOutput] = []
        for session in operators.keys.sorted() {
            guard let target = sessions.read(session, { $0.replyTarget }) else { continue }
            var replies = HubResponseBuffer(server: server, session: session, target: target)
            revalidateOperator(session, into: &replies)
            outputs += replies.outputs
        }
        return outputs
    }

    // MARK: - Commands

    /// OPER <name> [<password>]
    ///
    /// Succeeds when `name` is a nick the allowlist binds to the session's certificate and
    /// `[operators]` lists that nick or the certificate's fingerprint (381, then `MODE
    /// <nick> +o`); otherwise 491. A password is ignored: the certificate is the credential.
    /// Other operators are told either way. A new operator is told how many reports are open.
    mutating func oper(_ command: HubCommandContext, into replies: inout HubResponseBuffer) {
        guard let (identity, nick) = sessions.read(command.session, { ($0.identity, $0.replyTarget) }) else { return }
        let name = Self.truncated(command.params[0], toBytes: IRCLimits.nickLength)
        guard let granted = operatorList.operatorClass(forName: name, identity: identity) else {
            replies.numeric(
                .ERR_NOOPERHOST,
                "Your certificate is not an operator's as \(name): server.toml's [operators] must list \(name) "
                    + "or \(identity.certificateFingerprint.hexDescription), and the allowlist bind \(name) to it"
            )
            notifyOperators("Failed OPER attempt by \(nick) as \(name)", into: &replies)
            return
        }
        let wasOperator = operators[command.session] != nil
        operators[command.session] = OperatorStatus(name: name, operatorClass: granted)
        replies.numeric(.RPL_YOUREOPER, "You are now an IRC operator (\(granted.rawValue))")
        if !wasOperator {
            replies.reply(IRCMessage(source: server, command: "MODE", params: [nick, "+o"]))
            tellOpenReports(into: &replies)
        }
        notifyOperators("\(nick) is now an operator (\(granted.rawValue)) as \(name)", into: &replies)
    }

    /// KILL <nickname> <comment>
    ///
    /// Operators only (481). Every session of the nick gets `KILL <nick> :<comment>` and is
    /// closed with `ERROR :Closing link: Killed (<oper> (<comment>))`; its channels see it
    /// QUIT with `Killed (<oper> (<comment>))`. The certificate stays admitted: keeping
    /// someone out is the allowlist's work.
    mutating func kill(_ command: HubCommandContext, into replies: inout HubResponseBuffer) {
        guard let (source, killer) = sessions.read(command.session, { ($0.source, $0.replyTarget) }) else { return }
        guard operators[command.session] != nil else {
            replies.numeric(.ERR_NOPRIVILEGES, "Permission Denied- You're not an IRC operator")
            return
        }
        guard let victim = user(named: command.params[0]),
            let (nick, victimSessions) = users.read(victim, { ($0.nick, $0.sessions) })
        else {
            replies.numeric(.ERR_NOSUCHNICK, command.params[0], "No such nick/channel")
            return
        }
        // Room in the QUIT line for the victim's nick!user@host and the words around it.
        let comment = Self.truncated(command.params[1].isEmpty ? killer : command.params[1], toBytes: 300)
        let quit = "Killed (\(killer) (\(comment)))"
        replies.send(IRCMessage(source: source, command: "KILL", params: [nick, comment]), to: victimSessions)
        for session in victimSessions {
            closeSession(session, reason: "Closing link: \(quit)", quitReason: quit, now: command.now, into: &replies)
        }
        let count = victimSessions.count == 1 ? "1 session" : "\(victimSessions.count) sessions"
        notifyOperators("\(killer) killed \(nick) (\(count)): \(comment)", into: &replies)
    }

    // MARK: - Shared by the handlers

    /// The highest class among `user`'s sessions, for WHOIS.
    func operatorClass(ofUser user: UserID) -> OperatorClass? {
        guard !operators.isEmpty, let own = users.read(user, { $0.sessions }) else { return nil }
        return own.compactMap { operators[$0]?.operatorClass }.max()
    }

    /// ``notifyOperators(_:)`` inside a command.
    func notifyOperators(_ text: String, into replies: inout HubResponseBuffer) {
        for output in notifyOperators(text) {
            replies.append(output)
        }
    }

    /// Takes `+o` from `session` because of `why`: `MODE <nick> -o` to it, and a notice
    /// to the operators. Nothing when it is no operator.
    mutating func dropOperator(_ session: SessionID, source: IRCSource, why: String, into replies: inout HubResponseBuffer) {
        guard operators.removeValue(forKey: session) != nil,
            let nick = sessions.read(session, { $0.nick }) ?? nil
        else { return }
        replies.send(IRCMessage(source: source, command: "MODE", params: [nick, "-o"]), to: [session])
        notifyOperators("\(nick) is no longer an operator: \(why)", into: &replies)
    }

    /// Checks `session`'s operator status against the list and its certificate's current
    /// bindings: `+o` is dropped when neither grants the name it gave OPER any more.
    mutating func revalidateOperator(_ session: SessionID, into replies: inout HubResponseBuffer) {
        guard let status = operators[session], let identity = sessions.read(session, { $0.identity }) else { return }
        if let granted = operatorList.operatorClass(forName: status.name, identity: identity) {
            operators[session]?.operatorClass = granted
            return
        }
        replies.notice("You are no longer an operator: server.toml or the allowlist no longer grants it to your certificate")
        dropOperator(session, source: server, why: "no longer granted by server.toml or the allowlist", into: &replies)
    }
}
