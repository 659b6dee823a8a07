import IRC

// Replies the hub sends that the IRC module does not name yet, spelled as
// modern.ircdocs.horse and ircv3.net spell them.
extension IRCNumeric {
    /// 254 `<client> <channels> :channels formed`
    static let RPL_LUSERCHANNELS = IRCNumeric("254")
    /// 255 `<client> :I have <c> clients and <s> servers`
    static let RPL_LUSERME = IRCNumeric("255")
    /// 303 `<client> :[<nickname>{ <nickname>}]`
    static let RPL_ISON = IRCNumeric("303")
    /// 305 `<client> :You are no longer marked as being away`
    static let RPL_UNAWAY = IRCNumeric("305")
    /// 306 `<client> :You have been marked as being away`
    static let RPL_NOWAWAY = IRCNumeric("306")
    /// 368 `<client> <channel> :End of channel ban list`
    static let RPL_ENDOFBANLIST = IRCNumeric("368")
    /// 407 `<client> <target> :<error message>` (RFC 2812 ERR_TOOMANYTARGETS)
    static let ERR_TOOMANYTARGETS = IRCNumeric("407")
    /// 410 `<client> <command> :Invalid CAP command`
    static let ERR_INVALIDCAPCMD = IRCNumeric("410")
}
