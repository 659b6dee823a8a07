import Foundation
import IRC

/// A channel: its members (nicks, whatever number of sessions each has) in join order,
/// its operators and voiced members, its modes, its pending invitations and its topic.
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
    /// The server's default channel: never deleted, no operators (so its modes never
    /// change), topic open to members, `+n` only.
    let isDefault: Bool
    var topic: Topic?
    /// `+nt` when created (`+n` for the default channel); channel operators change them.
    var modes: ChannelModes
    private(set) var members: [UserID] = []
    private var memberSet: Set<UserID> = []
    private(set) var operators: Set<UserID> = []
    /// Members with `+v`: they may speak in a moderated channel and despite a ban.
    private(set) var voiced: Set<UserID> = []
    /// Nicks invited (INVITE) and not yet joined; an invitation lapses when its nick goes
    /// offline, since a nick coming back online is a new ``UserID``.
    var invited: Set<UserID> = []
    /// Every session of every member, grouped for delivery
    /// (``HubState/deliveryGroups(ofChannel:)``); nil until needed, and again after a change
    /// of membership, of a member's sessions or of a session's capabilities.
    var deliveryGroups: DeliveryGroups?

    init(name: String, createdAt: Date, isDefault: Bool) {
        self.name = name
        self.key = IRCCaseMapping.fold(name)
        self.createdAt = createdAt
        self.isDefault = isDefault
        self.modes = ChannelModes(flags: isDefault ? [.noOutsideMessages] : [.noOutsideMessages, .topicProtected])
    }

    var isEmpty: Bool { members.isEmpty }
    var memberCount: Int { members.count }

    /// Whether TOPIC needs channel operator status (mode `t`).
    var topicIsProtected: Bool { modes.flags.contains(.topicProtected) }

    var isSecret: Bool { modes.flags.contains(.secret) }

    func contains(_ user: UserID) -> Bool {
        memberSet.contains(user)
    }

    func isOperator(_ user: UserID) -> Bool {
        operators.contains(user)
    }

    func isVoiced(_ user: UserID) -> Bool {
        voiced.contains(user)
    }

    /// The member's NAMES and WHO prefixes: `@` and `+`, only the highest unless `all`
    /// (multi-prefix).
    func prefixes(of user: UserID, all: Bool) -> String {
        let op = isOperator(user)
        let voice = isVoiced(user)
        switch (op, voice) {
        case (true, true): return all ? "@+" : "@"
        case (true, false): return "@"
        case (false, true): return "+"
        case (false, false): return ""
        }
    }

    /// Adds a member at the end of the join order; no effect if already a member.
    mutating func add(_ user: UserID, asOperator: Bool) {
        guard memberSet.insert(user).inserted else { return }
        members.append(user)
        deliveryGroups = nil
        if asOperator { operators.insert(user) }
        invited.remove(user)
    }

    mutating func remove(_ user: UserID) {
        guard memberSet.remove(user) != nil else { return }
        deliveryGroups = nil
        operators.remove(user)
        voiced.remove(user)
        if let index = members.firstIndex(of: user) {
            members.remove(at: index)
        }
    }

    /// Grants or takes operator status or voice; returns whether anything changed.
    mutating func set(_ status: ChannelModeTable.MemberStatus, of user: UserID, _ granted: Bool) -> Bool {
        guard contains(user) else { return false }
        switch (status, granted) {
        case (.op, true): return operators.insert(user).inserted
        case (.op, false): return operators.remove(user) != nil
        case (.voice, true): return voiced.insert(user).inserted
        case (.voice, false): return voiced.remove(user) != nil
        }
    }
}
