import Foundation
import IRC

extension HubState {
    /// Nicks one session may watch with MONITOR (ISUPPORT `MONITOR=`).
    public static let monitorLimit = 100

    /// MONITOR + <target>{,<target>}
    /// MONITOR - <target>{,<target>}
    /// MONITOR C | L | S
    ///
    /// IRCv3 MONITOR: `+` adds nicks to the session's list and answers at once which are
    /// online (730, with `nick!user@host`) and offline (731); beyond ``monitorLimit``
    /// nicks, 734 names the ones not added. `-` removes, `C` clears, `L` lists (732, 733),
    /// `S` tells the status of every watched nick. From then on the session gets 730 when
    /// a watched nick comes online (or is taken by a rename) and 731 when it goes offline
    /// (its last session left, or it was renamed away). With extended-monitor, watchers
    /// also get the nick's AWAY, ACCOUNT and SETNAME lines under the same capabilities as
    /// channel peers.
    mutating func monitor(_ command: HubCommandContext, into replies: inout HubResponseBuffer) {
        let subcommand = command.params[0].uppercased()
        let targets = command.params.count > 1 ? Self.commaList(command.params[1]) : []
        switch subcommand {
        case "+":
            guard !targets.isEmpty else {
                replies.numeric(.ERR_NEEDMOREPARAMS, "MONITOR", "Not enough parameters")
                return
            }
            var watched = sessions.read(command.session) { $0.monitored } ?? []
            var added: [String] = []
            for (index, nick) in targets.enumerated() where IRCName.isValidNickname(nick) {
                let key = IRCCaseMapping.fold(nick)
                if watched.contains(key) { continue }
                guard watched.count < Self.monitorLimit else {
                    replies.numeric(
                        .ERR_MONLISTFULL, String(Self.monitorLimit), targets[index...].joined(separator: ","),
                        "Monitor list is full."
                    )
                    break
                }
                watched.insert(key)
                monitors[key, default: []].insert(command.session)
                added.append(nick)
            }
            sessions.update(command.session) { $0.monitored = watched }
            sendStatus(of: added, into: &replies)
        case "-":
            guard !targets.isEmpty else {
                replies.numeric(.ERR_NEEDMOREPARAMS, "MONITOR", "Not enough parameters")
                return
            }
            for nick in targets {
                let key = IRCCaseMapping.fold(nick)
                sessions.update(command.session) { _ = $0.monitored.remove(key) }
                unwatch(key, by: command.session)
            }
        case "C":
            unmonitorAll(command.session)
        case "L":
            let watched = (sessions.read(command.session) { $0.monitored } ?? []).sorted()
            for line in Self.numericLists(watched, fixed: replies.target.utf8.count + server.rawValue.utf8.count) {
                replies.numeric(.RPL_MONLIST, line)
            }
            replies.numeric(.RPL_ENDOFMONLIST, "End of MONITOR list")
        case "S":
            let watched = (sessions.read(command.session) { $0.monitored } ?? []).sorted()
            sendStatus(of: watched, into: &replies)
        default:
            replies.numeric(.ERR_UNKNOWNCOMMAND, "MONITOR", "Unknown MONITOR subcommand \(command.params[0]); use + - C L or S")
        }
    }

    /// 730 for those of `nicks` online, 731 for the others, as few lines as fit.
    private func sendStatus(of nicks: [String], into replies: inout HubResponseBuffer) {
        var online: [String] = []
        var offline: [String] = []
        for nick in nicks {
            if let id = user(named: nick), let source = onlineSource(of: id) {
                online.append(source)
            } else {
                offline.append(nick)
            }
        }
        let fixed = replies.target.utf8.count + server.rawValue.utf8.count
        for line in Self.numericLists(online, fixed: fixed) { replies.numeric(.RPL_MONONLINE, line) }
        for line in Self.numericLists(offline, fixed: fixed) { replies.numeric(.RPL_MONOFFLINE, line) }
    }

    /// `nick!user@host` of the nick's oldest session.
    private func onlineSource(of user: UserID) -> String? {
        oldestSession(of: user, \.source.rawValue)
    }

    /// `items` joined with commas into lines that fit a numeric after `fixed` bytes of
    /// server name and target.
    private static func numericLists(_ items: [String], fixed: Int) -> [String] {
        // ":server 730 target :" and the list
        let budget = IRCLimits.maxBodyBytesWithoutLineEnding - fixed - 8
        var lines: [String] = []
        var line = ""
        for item in items {
            if !line.isEmpty && line.utf8.count + 1 + item.utf8.count > budget {
                lines.append(line)
                line = ""
            }
            line += line.isEmpty ? item : "," + item
        }
        if !line.isEmpty { lines.append(line) }
        return lines
    }

    /// The sessions watching the folded nick `key`.
    func watchers(of key: String) -> [SessionID] {
        monitors[key].map { Array($0).sorted() } ?? []
    }

    /// Forgets every nick `session` watches (MONITOR C, or the session ended).
    mutating func unmonitorAll(_ session: SessionID) {
        guard let watched = sessions.update(session, { client -> Set<String> in
            defer { client.monitored = [] }
            return client.monitored
        }) else {
            return
        }
        for key in watched { unwatch(key, by: session) }
    }

    private mutating func unwatch(_ key: String, by session: SessionID) {
        monitors[key]?.remove(session)
        if monitors[key]?.isEmpty == true { monitors[key] = nil }
    }

    /// The nick came online (its first session registered, or a rename took it): 730 to
    /// its watchers.
    func announceOnline(_ user: UserID, now: Date, into replies: inout HubResponseBuffer) {
        guard let key = users.read(user, { $0.key }), let source = onlineSource(of: user) else { return }
        let watching = watchers(of: key)
        guard !watching.isEmpty else { return }
        deliverNumeric(.RPL_MONONLINE, source, to: watching, into: &replies)
    }

    /// The nick went offline (its last session left, or a rename gave it up): 731 to its watchers.
    func announceOffline(_ nick: String, now: Date, into replies: inout HubResponseBuffer) {
        let watching = watchers(of: IRCCaseMapping.fold(nick))
        guard !watching.isEmpty else { return }
        deliverNumeric(.RPL_MONOFFLINE, nick, to: watching, into: &replies)
    }

    /// `numeric` with `text` to each of `recipients`, addressed to its own nick.
    private func deliverNumeric(_ numeric: IRCNumeric, _ text: String, to recipients: [SessionID], into replies: inout HubResponseBuffer) {
        for session in recipients {
            guard let target = sessions.read(session, { $0.replyTarget }) else { continue }
            replies.send(IRCMessage(source: server, numeric: numeric, params: [target, text]), to: [session])
        }
    }
}
