import Foundation
import IRC

/// A channel: its members in join order, its operators and its topic.
///
/// Members are kept in an array (NAMES order is join order, and fan-out walks it
/// without hashing) beside a set for membership tests; leaving costs a linear
/// search, which is rare next to sending.
struct ChatChannel: Sendable {
    struct Topic: Sendable, Equatable {
        var text: String
        var setBy: String
        var setAt: Date
    }

    /// The name as first spelled by whoever created it.
    let name: String
    /// The folded name, the key in ``HubState``'s channel table.
    let key: String
    let createdAt: Date
    /// The server's default channel: never deleted, no operators, topic open to members, `+n` only.
    let isDefault: Bool
    var topic: Topic?
    private(set) var members: [SessionID] = []
    private var memberSet: Set<SessionID> = []
    private(set) var operators: Set<SessionID> = []
    /// The members grouped for delivery (``HubState/deliveryGroups(ofChannel:)``); nil
    /// until needed and again after any change of membership or of a member's capabilities.
    var deliveryGroups: DeliveryGroups?

    init(name: String, createdAt: Date, isDefault: Bool) {
        self.name = name
        self.key = IRCCaseMapping.fold(name)
        self.createdAt = createdAt
        self.isDefault = isDefault
    }

    var isEmpty: Bool { members.isEmpty }
    var memberCount: Int { members.count }

    /// `+nt` for ordinary channels; the default channel lets any member set the topic.
    var modes: String { isDefault ? "+n" : "+nt" }

    /// Whether TOPIC needs channel operator status (mode `t`).
    var topicIsProtected: Bool { !isDefault }

    func contains(_ session: SessionID) -> Bool {
        memberSet.contains(session)
    }

    func isOperator(_ session: SessionID) -> Bool {
        operators.contains(session)
    }

    /// Adds a member at the end of the join order; no effect if already a member.
    mutating func add(_ session: SessionID, asOperator: Bool) {
        guard memberSet.insert(session).inserted else { return }
        members.append(session)
        deliveryGroups = nil
        if asOperator { operators.insert(session) }
    }

    mutating func remove(_ session: SessionID) {
        guard memberSet.remove(session) != nil else { return }
        deliveryGroups = nil
        operators.remove(session)
        if let index = members.firstIndex(of: session) {
            members.remove(at: index)
        }
    }

    /// Grants or takes operator status; returns whether anything changed.
    mutating func setOperator(_ session: SessionID, _ isOperator: Bool) -> Bool {
        guard contains(session) else { return false }
        if isOperator {
            return operators.insert(session).inserted
        }
        return operators.remove(session) != nil
    }
}
