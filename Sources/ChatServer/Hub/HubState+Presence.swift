import Foundation
import IRC

/// What channel peers (and MONITOR watchers) learn about a nick without asking:
/// away-notify, account-notify, extended-join, and the capability split they share.
extension HubState {
    /// `groups` split into the recipients whose session negotiated `capability` and the rest.
    func partition(_ groups: DeliveryGroups, by capability: HubCapabilities) -> (with: DeliveryGroups, without: DeliveryGroups) {
        var with = DeliveryGroups()
        var without = DeliveryGroups()
        for rendering in Rendering.all {
            for session in groups[rendering] {
                if sessions.read(session, { $0.capabilities.contains(capability) }) == true {
                    with.append(session, rendering)
                } else {
                    without.append(session, rendering)
                }
            }
        }
        return (with, without)
    }

    /// Sends `message` (from `user`) to the sessions sharing a channel with `user` that
    /// negotiated `capability`, and to the sessions watching its nick with MONITOR that
    /// negotiated extended-monitor and `capability`; each session once.
    func tellPeers(
        of user: UserID, _ message: IRCMessage, with capability: HubCapabilities, now: Date,
        into replies: inout HubResponseBuffer
    ) {
        var recipients = peers(of: user)
        if let key = users.read(user, { $0.key }) {
            let seen = Set(recipients)
            recipients += watchers(of: key).filter { session in
                !seen.contains(session)
                    && sessions.read(session, { $0.capabilities.isSuperset(of: [.extendedMonitor, capability]) }) == true
            }
        }
        let (with, _) = partition(deliveryGroups(of: recipients), by: capability)
        deliver(message, to: with, now: now, into: &replies)
    }

    /// The nick's away state as others see it changed (``refreshAway(of:)``): `AWAY
    /// :<text>` or `AWAY` to its peers with away-notify.
    func announceAway(of user: UserID, now: Date, into replies: inout HubResponseBuffer) {
        guard let source = oldestSession(of: user, \.source), let away = users.read(user, { $0.awayMessage }) else { return }
        let message = IRCMessage(source: source, command: "AWAY", params: away.map { [$0] } ?? [])
        tellPeers(of: user, message, with: .awayNotify, now: now, into: &replies)
    }

    /// `property` of the nick's oldest session, which stands for the nick (prefix, real
    /// name) as in WHO and WHOIS.
    func oldestSession<Value>(of user: UserID, _ property: KeyPath<HubSession, Value>) -> Value? {
        guard let oldest = users.read(user, { $0.sessions.first }) ?? nil else { return nil }
        return sessions.read(oldest) { $0[keyPath: property] }
    }

    /// Tells the nick's peers with account-notify `ACCOUNT <account>` when the account
    /// others see (its oldest session's) is no longer `before`. Accounts come from the
    /// certificate and are set at registration, which needs no ACCOUNT (extended-join and
    /// account-tag carry it): they change only when an allowlist reload binds the oldest
    /// session's certificate to another first nick, or when the oldest session leaves and
    /// the next one's certificate names another account.
    func announceAccount(of user: UserID, ifNot before: String?, now: Date, into replies: inout HubResponseBuffer) {
        guard let after = account(of: user), after != before, let source = oldestSession(of: user, \.source) else { return }
        let message = IRCMessage(source: source, command: "ACCOUNT", params: [after])
        tellPeers(of: user, message, with: .accountNotify, now: now, into: &replies)
    }

    /// The JOIN of `user` to `channel` for each member's session: `JOIN #c account
    /// :realname` with extended-join, `JOIN #c` without; then, for a nick that is away,
    /// `AWAY :<text>` to those with away-notify.
    mutating func announceJoin(of user: UserID, source: IRCSource, to channel: ChatChannel, now: Date, into replies: inout HubResponseBuffer) {
        let (extended, plain) = partition(deliveryGroups(ofChannel: channel.key), by: .extendedJoin)
        deliver(IRCMessage(source: source, command: "JOIN", params: [channel.name]), to: plain, now: now, into: &replies)
        if !extended.all.isEmpty {
            let realname = oldestSession(of: user, \.realname) ?? ""
            let account = account(of: user) ?? "*"
            let message = IRCMessage(source: source, command: "JOIN", params: [channel.name, account, realname])
            deliver(message, to: extended, now: now, into: &replies)
        }
        guard let away = users.read(user, { $0.awayMessage }) ?? nil else { return }
        let own = Set(users.read(user) { $0.sessions } ?? [])
        let (notified, _) = partition(deliveryGroups(ofChannel: channel.key).removing(own), by: .awayNotify)
        deliver(IRCMessage(source: source, command: "AWAY", params: [away]), to: notified, now: now, into: &replies)
    }
}

extension DeliveryGroups {
    /// The groups without any of `excluded`.
    func removing(_ excluded: Set<SessionID>) -> DeliveryGroups {
        var result = DeliveryGroups()
        for rendering in Rendering.all {
            for session in self[rendering] where !excluded.contains(session) {
                result.append(session, rendering)
            }
        }
        return result
    }
}
