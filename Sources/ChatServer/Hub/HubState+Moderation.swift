import Foundation
import IRC
import Moderation

extension HubState {
    /// Puts a newly loaded filter in force (at start and after each accepted reload).
    public mutating func setFilter(_ filter: ModerationFilter) {
        self.filter = filter
    }

    /// The rules in force.
    public var filterRules: [FilterRule] { filter.rules }

    /// What a sender's text is checked as: who sent it, and what one scan of it found.
    struct FilterCheck {
        let session: SessionID
        let nick: String
        let account: String
        let text: String
        /// The scan, run once per message before any target is looked at.
        let scan: FilterScan
    }

    /// Scans `text` once when some rule looks at one of `scopes` and the sender is not a
    /// server operator (always exempt); nil when there is nothing to decide.
    ///
    /// `mutating` though it changes nothing: called from a mutating handler, a non-mutating
    /// method here gets a copy of the whole hub state (every field retained and released,
    /// about a tenth of the hub's time per private message), a mutating one its address.
    mutating func filterCheck(_ text: String?, scopes: [FilterScope], session: SessionID) -> FilterCheck? {
        guard let text, !filter.isEmpty, scopes.contains(where: filter.covers), operatorClass(of: session) == nil,
            let (nick, account) = sessions.read(session, { ($0.nick ?? "*", $0.account) })
        else { return nil }
        let scan = filter.scan(text)
        guard !scan.isEmpty else { return nil }
        return FilterCheck(session: session, nick: nick, account: account, text: text, scan: scan)
    }

    /// What to do with a checked text of `scope` sent to `target` (`channel` when it is one).
    enum FilterVerdict {
        /// Deliver; when a rule matched (log, warn) call ``auditDelivered(_:msgid:now:into:)`` with the msgid.
        case deliver(FilterDecision?)
        /// Nothing is delivered: the sender was told (and kicked or closed) and it is audited.
        case refused
    }

    /// A match with where it happened, kept until the msgid of the delivered copy is known.
    struct FilterDecision {
        let match: FilterMatch
        let scope: FilterScope
        let target: String
        let check: FilterCheck
    }

    /// Decides a message's fate for one target and carries out a refusing action: `block`
    /// answers 404 on a channel (a NOTICE elsewhere) naming the rule's reason and id; `kick`
    /// has the server kick the sender from the channel (on other scopes it blocks);
    /// `disconnect` closes the sending connection. Each is audited.
    mutating func applyFilter(
        _ check: FilterCheck?, scope: FilterScope, target: String, channel: ChatChannel?, now: Date,
        into replies: inout HubResponseBuffer
    ) -> FilterVerdict {
        guard let check,
            let match = filter.decide(check.scan, scope: scope, channel: channel?.name, nick: check.nick)
        else { return .deliver(nil) }
        let decision = FilterDecision(match: match, scope: scope, target: target, check: check)
        let rule = match.rule
        let why = "\(rule.reason) (rule \(rule.id))"
        switch rule.action {
        case .log, .warn:
            return .deliver(decision)
        case .block:
            refuse(scope: scope, target: target, channel: channel, why: why, into: &replies)
        case .kick:
            if let channel, scope != .part, let user = sessions.read(check.session, { $0.userID }) ?? nil,
                channels[channel.key]?.contains(user) == true
            {
                let kick = IRCMessage(source: server, command: "KICK", params: [channel.name, check.nick, why])
                deliver(kick, to: deliveryGroups(ofChannel: channel.key), now: now, into: &replies)
                leave(user, channel: channel.key)
            } else {
                refuse(scope: scope, target: target, channel: channel, why: why, into: &replies)
            }
        case .disconnect:
            closeSession(
                check.session, reason: "Closing link: your message was refused by this server's filter: \(why)",
                quitReason: "Disconnected by the server's filter", now: now, into: &replies
            )
        }
        audit(decision, msgid: nil, now: now, into: &replies)
        return .refused
    }

    /// Audits a match whose message was delivered (log, warn) and, for warn, tells the
    /// online operators.
    /// The msgid is formatted only when there is a match to audit.
    func auditDelivered(
        _ decision: FilterDecision?, msgid: @autoclosure () -> String?, now: Date, into replies: inout HubResponseBuffer
    ) {
        guard let decision else { return }
        let msgid = msgid()
        audit(decision, msgid: msgid, now: now, into: &replies)
        guard decision.match.rule.action == .warn else { return }
        let rule = decision.match.rule
        let id = msgid.map { " msgid \($0)" } ?? ""
        notifyOperators(
            "filter: \(decision.check.nick) (account \(decision.check.account)) matched rule \(rule.id) with "
                + "\"\(decision.match.token)\" in \(decision.scope.rawValue) to \(decision.target)\(id)",
            into: &replies
        )
    }

    private func refuse(scope: FilterScope, target: String, channel: ChatChannel?, why: String, into replies: inout HubResponseBuffer) {
        if let channel, scope == .channel {
            replies.numeric(.ERR_CANNOTSENDTOCHAN, channel.name, "Cannot send to channel: your message was blocked: \(why)")
        } else {
            let what =
                switch scope {
                case .channel, .private, .notice: "Your message to \(target) was not delivered"
                case .topic: "The topic of \(target) was not changed"
                case .part: "Your part reason was not shown"
                case .quit: "Your quit reason was not shown"
                }
            replies.notice("\(what): it was blocked: \(why)")
        }
    }

    private func audit(_ decision: FilterDecision, msgid: String?, now: Date, into replies: inout HubResponseBuffer) {
        let record = ModerationAuditEvent.FilterMatchRecord(
            rule: decision.match.rule.id, action: decision.match.rule.action, scope: decision.scope,
            account: decision.check.account, nick: decision.check.nick, target: decision.target, msgid: msgid,
            token: decision.match.token, text: configuration.auditText ? decision.check.text : nil
        )
        replies.append(.audit(ModerationAuditEvent(time: now, kind: .filterMatch(record))))
    }
}
