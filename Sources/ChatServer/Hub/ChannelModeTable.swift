/// Every channel mode letter the hub knows, what kind it is, and what ISUPPORT and
/// RPL_MYINFO say about them: one table, so that what is announced is what is done.
enum ChannelModeTable {
    /// How a letter behaves in MODE, by the kinds of RPL_ISUPPORT's CHANMODES.
    enum Kind: Sendable, Equatable {
        /// Type A: a list; with a parameter adds or removes, without one lists.
        case list(ChannelModes.List)
        /// Type B: always a parameter (the key).
        case key
        /// Type C: a parameter when set only (the member limit).
        case limit
        /// Type D: no parameter.
        case flag(ChannelModes.Flags)
        /// A member's status (PREFIX): a nick as parameter.
        case status(MemberStatus)
    }

    /// What a channel operator may grant a member.
    enum MemberStatus: Sendable, Equatable {
        case op, voice
    }

    struct Row: Sendable {
        let letter: Character
        let kind: Kind
    }

    /// In the order CHANMODES and RPL_MYINFO list them.
    static let rows: [Row] = [
        Row(letter: "b", kind: .list(.bans)),
        Row(letter: "e", kind: .list(.exceptions)),
        Row(letter: "I", kind: .list(.inviteExceptions)),
        Row(letter: "k", kind: .key),
        Row(letter: "l", kind: .limit),
        Row(letter: "i", kind: .flag(.inviteOnly)),
        Row(letter: "m", kind: .flag(.moderated)),
        Row(letter: "n", kind: .flag(.noOutsideMessages)),
        Row(letter: "s", kind: .flag(.secret)),
        Row(letter: "t", kind: .flag(.topicProtected)),
        Row(letter: "o", kind: .status(.op)),
        Row(letter: "v", kind: .status(.voice)),
    ]

    static let keyLetter: Character = "k"
    static let limitLetter: Character = "l"

    /// At most this many mode changes with a parameter in one MODE command (`MODES`);
    /// further ones are ignored.
    static let maxParameterModes = 4

    /// The row for `letter`, case-sensitive (`i` and `I` differ).
    static func row(_ letter: Character) -> Row? {
        rows.first { $0.letter == letter }
    }

    /// `CHANMODES=beI,k,l,imnst`.
    static var isupportChanmodes: String {
        func letters(_ include: (Kind) -> Bool) -> String { String(rows.filter { include($0.kind) }.map(\.letter)) }
        let lists = letters { if case .list = $0 { true } else { false } }
        let flags = letters { if case .flag = $0 { true } else { false } }
        return "CHANMODES=\(lists),\(keyLetter),\(limitLetter),\(flags)"
    }

    /// `MAXLIST=b:50,e:50,I:50`: each list has its own limit.
    static var isupportMaxList: String {
        let lists = rows.filter { if case .list = $0.kind { true } else { false } }.map(\.letter)
        return "MAXLIST=" + lists.map { "\($0):\(ChannelModes.maxListEntries)" }.joined(separator: ",")
    }

    /// RPL_MYINFO's channel modes: every letter, sorted as clients expect.
    static var myInfoLetters: String {
        // Alphabetical, an upper-case letter before its lower-case one.
        func order(_ letter: Character) -> (String, Bool) { (letter.lowercased(), letter.isLowercase) }
        let sorted = rows.map(\.letter).sorted { (left: Character, right: Character) -> Bool in
            let (a, b) = (order(left), order(right))
            return a.0 != b.0 ? a.0 < b.0 : !a.1 && b.1
        }
        return String(sorted)
    }

    /// RPL_MYINFO's channel modes that take a parameter.
    static var myInfoParameterLetters: String {
        String(myInfoLetters.filter { letter in
            guard let kind = row(letter)?.kind else { return false }
            if case .flag = kind { return false }
            return true
        })
    }
}
