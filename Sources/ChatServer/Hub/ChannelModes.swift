import Foundation
import IRC

/// A channel's modes other than member status: the flags, the key, the limit and the
/// ban, ban-exception and invite-exception lists.
///
/// Which letter means what, and which take a parameter, is ``ChannelModeTable``'s
/// business; this is only the state, and how it reads back in RPL_CHANNELMODEIS.
struct ChannelModes: Sendable, Equatable {
    /// The modes without a parameter.
    struct Flags: OptionSet, Hashable, Sendable {
        let rawValue: UInt8

        /// `i`: JOIN needs an INVITE (or a match on the invite-exception list).
        static let inviteOnly = Flags(rawValue: 1 << 0)
        /// `m`: only operators and voiced members may speak.
        static let moderated = Flags(rawValue: 1 << 1)
        /// `n`: only members may send to the channel.
        static let noOutsideMessages = Flags(rawValue: 1 << 2)
        /// `s`: the channel is hidden from LIST, NAMES, WHO and WHOIS for non-members.
        static let secret = Flags(rawValue: 1 << 3)
        /// `t`: only operators may set the topic.
        static let topicProtected = Flags(rawValue: 1 << 4)
    }

    /// The three list modes, each a list of ``ChannelMask``.
    enum List: Sendable, Hashable, CaseIterable {
        /// `b`: who may not join, nor speak unless voiced or operator.
        case bans
        /// `e`: who a ban does not hold for.
        case exceptions
        /// `I`: who may join an invite-only channel without an INVITE.
        case inviteExceptions
    }

    /// At most this many entries on each list (`MAXLIST`); one more gets 478.
    static let maxListEntries = 50
    /// At most this many bytes in a key; a longer one gets 525.
    static let maxKeyBytes = 32

    var flags: Flags
    /// `k`: the password JOIN must give.
    var key: String?
    /// `l`: at most this many members may join.
    var limit: Int?
    private(set) var lists: [List: [ChannelMask]] = [:]

    init(flags: Flags) {
        self.flags = flags
    }

    func entries(_ list: List) -> [ChannelMask] {
        lists[list] ?? []
    }

    /// Adds `mask` to `list`; returns false when an equal mask is already on it.
    /// The caller checks ``maxListEntries`` first.
    mutating func add(_ mask: ChannelMask, to list: List) -> Bool {
        guard !entries(list).contains(where: { $0.text == mask.text }) else { return false }
        lists[list, default: []].append(mask)
        return true
    }

    /// Removes the entry equal to `text` (casemapped) from `list`; returns the removed
    /// entry's text as it was set, or nil when there was none.
    mutating func remove(_ text: String, from list: List) -> String? {
        guard let index = entries(list).firstIndex(where: { IRCCaseMapping.equals($0.text, text) }) else { return nil }
        return lists[list]?.remove(at: index).text
    }

    /// Whether any of `subjects` matches an entry of `list`.
    func listMatches(_ list: List, _ subjects: [ChannelMask.Subject]) -> Bool {
        entries(list).contains { mask in subjects.contains(where: mask.matches) }
    }

    /// Whether a ban holds for these subjects (a nick's sessions) and no exception lifts it.
    func bans(_ subjects: [ChannelMask.Subject]) -> Bool {
        listMatches(.bans, subjects) && !listMatches(.exceptions, subjects)
    }

    /// `+<flags>[k][l] [<key>] [<limit>]`, flags in ``ChannelModeTable`` order, for
    /// RPL_CHANNELMODEIS. Non-members see `*` in place of the key.
    func modeString(showingKey: Bool) -> [String] {
        var letters = "+"
        var arguments: [String] = []
        for row in ChannelModeTable.rows {
            if case .flag(let flag) = row.kind, flags.contains(flag) { letters.append(row.letter) }
        }
        if let key {
            letters.append(ChannelModeTable.keyLetter)
            arguments.append(showingKey ? key : "*")
        }
        if let limit {
            letters.append(ChannelModeTable.limitLetter)
            arguments.append(String(limit))
        }
        return [letters] + arguments
    }
}
