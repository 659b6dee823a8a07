// The numerics of channel modes and invitations, named as modern.ircdocs.horse names them.
extension IRCNumeric {
    /// 341 `<client> <nick> <channel>`
    public static let RPL_INVITING = IRCNumeric("341")
    /// 346 `<client> <channel> <mask>`
    public static let RPL_INVEXLIST = IRCNumeric("346")
    /// 347 `<client> <channel> :End of Channel Invite Exception List`
    public static let RPL_ENDOFINVEXLIST = IRCNumeric("347")
    /// 348 `<client> <channel> <mask>`
    public static let RPL_EXCEPTLIST = IRCNumeric("348")
    /// 349 `<client> <channel> :End of channel exception list`
    public static let RPL_ENDOFEXCEPTLIST = IRCNumeric("349")
    /// 367 `<client> <channel> <mask> [<who> <set-ts>]`
    public static let RPL_BANLIST = IRCNumeric("367")
    /// 467 `<client> <channel> :Channel key already set`
    public static let ERR_KEYSET = IRCNumeric("467")
    /// 478 `<client> <channel> <char> :Channel list is full`
    public static let ERR_BANLISTFULL = IRCNumeric("478")
    /// 525 `<client> <target chan> :Key is not well-formed`
    public static let ERR_INVALIDKEY = IRCNumeric("525")
    /// 696 `<client> <target chan/user> <mode char> <parameter> :<description>`
    public static let ERR_INVALIDMODEPARAM = IRCNumeric("696")
}
