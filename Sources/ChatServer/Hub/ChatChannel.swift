import Foundation
import IRC

/// A channel: its members (nicks, whatever number of sessions each has) in join order,
/// its operators and its topic.
///
/// Members are kept in an array (NAMES order is join order) beside a set for membership
/// tests; leaving costs a linear search, which is rare next to sending. Sending does not
/// walk the members: it uses ``deliveryGroups``, their sessions expanded once.
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
    private(set) var members: [UserID] = []
    private var memberSet: Set<UserID> = []
    private(set) var operators: Set<UserID> = []
    /// Every session of every member, grouped for delivery
    /// (``HubState/deliveryGroups(ofChannel:)``); nil until needed, and again after a change
    /// of membership, of a member's sessions or of a session's capabilities.
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

    func contains(_ user: UserID) -> Bool {
        memberSet.contains(user)
    }

    func isOperator(_ user: UserID) -> Bool {
        operators.contains(user)
    }

    /// Adds a member at the end of the join order; no effect if already a member.
    mutating func add(_ user: UserID, asOperator: Bool) {
        guard memberSet.insert(user).inserted else { return }
        members.append(user)
        deliveryGroups = nil
        if asOperator { operators.insert(user) }
    }

    mutating func remove(_ user: UserID) {
        guard memberSet.remove(user) != nil else { return }
        deliveryGroups = nil
        operators.remove(user)
        if let index = members.firstIndex(of: user) {
            members.remove(at: index)
        }
    }

    /// Grants or takes operator status; returns whether anything changed.
    mutating func setOperator(_ user: UserID, _ isOperator: Bool) -> Bool {
        guard contains(user) else { return false }
        if isOperator {
            return operators.insert(user).inserted
        }
        return operators.remove(user) != nil
    }
}
