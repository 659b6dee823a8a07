/// What an operator may do, from the `[operators]` table of server.toml.
///
/// Both classes may today KICK from any channel and KILL; the class is kept so that
/// commands can ask for more (``HubState/operatorClass(of:)``). `admin` ranks above
/// `moderator`: a certificate listed twice (by nick and by fingerprint) gets the higher.
public enum OperatorClass: String, Sendable, CaseIterable, Comparable {
    case moderator
    case admin

    public static func < (lhs: OperatorClass, rhs: OperatorClass) -> Bool {
        lhs.rank < rhs.rank
    }

    private var rank: Int {
        switch self {
        case .moderator: 0
        case .admin: 1
        }
    }
}
