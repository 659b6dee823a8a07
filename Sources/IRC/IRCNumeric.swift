/// A numeric reply code, with the names modern.ircdocs.horse gives them.
///
/// The constants keep the spec's spelling (`RPL_WELCOME`, `ERR_ALREADYREGISTERED`) so a
/// handler reads like the document it implements and can be searched for by the name
/// in the spec; ``code`` is the three-digit command that goes on the wire.
public struct IRCNumeric: Hashable, Sendable, CustomStringConvertible {
    /// The three-digit code, e.g. `"001"`.
    public let code: String

    /// A numeric from its three-digit code. The caller passes exactly three digits.
    public init(_ code: String) {
        self.code = code
    }

    public var description: String { code }
}

// Constants are named exactly as in the spec, not in Swift's camel case.
extension IRCNumeric {
    // MARK: Connection registration

    /// 001 `<client> :Welcome to the <networkname> Network, <nick>[!<user>@<host>]`
    public static let RPL_WELCOME = IRCNumeric("001")
    /// 002 `<client> :Your host is <servername>, running version <version>`
    public static let RPL_YOURHOST = IRCNumeric("002")
    /// 003 `<client> :This server was created <datetime>`
    public static let RPL_CREATED = IRCNumeric("003")
    /// 004 `<client> <servername> <version> <available user modes> <available channel modes> [<channel modes with a parameter>]`
    public static let RPL_MYINFO = IRCNumeric("004")
    /// 005 `<client> <1-13 tokens> :are supported by this server`
    public static let RPL_ISUPPORT = IRCNumeric("005")

    // MARK: User modes and statistics

    /// 221 `<client> <user modes>`
    public static let RPL_UMODEIS = IRCNumeric("221")
    /// 251 `<client> :There are <u> users and <i> invisible on <s> servers`
    public static let RPL_LUSERCLIENT = IRCNumeric("251")
    /// 265 `<client> [<u> <m>] :Current local users <u>, max <m>`
    public static let RPL_LOCALUSERS = IRCNumeric("265")
    /// 266 `<client> [<u> <m>] :Current global users <u>, max <m>`
    public static let RPL_GLOBALUSERS = IRCNumeric("266")

    // MARK: WHOIS, WHO, away and userhost

    /// 276 `<client> <nick> :has client certificate fingerprint <fingerprint>`
    public static let RPL_WHOISCERTFP = IRCNumeric("276")
    /// 301 `<client> <nick> :<message>`
    public static let RPL_AWAY = IRCNumeric("301")
    /// 302 `<client> :[<reply>{ <reply>}]`
    public static let RPL_USERHOST = IRCNumeric("302")
    /// 311 `<client> <nick> <username> <host> * :<realname>`
    public static let RPL_WHOISUSER = IRCNumeric("311")
    /// 312 `<client> <nick> <server> :<server info>`
    public static let RPL_WHOISSERVER = IRCNumeric("312")
    /// 313 `<client> <nick> :is an IRC operator`
    public static let RPL_WHOISOPERATOR = IRCNumeric("313")
    /// 381 `<client> :You are now an IRC operator`
    public static let RPL_YOUREOPER = IRCNumeric("381")
    /// 315 `<client> <mask> :End of WHO list`
    public static let RPL_ENDOFWHO = IRCNumeric("315")
    /// 317 `<client> <nick> <secs> <signon> :seconds idle, signon time`
    public static let RPL_WHOISIDLE = IRCNumeric("317")
    /// 318 `<client> <nick> :End of /WHOIS list`
    public static let RPL_ENDOFWHOIS = IRCNumeric("318")
    /// 319 `<client> <nick> :[prefix]<channel>{ [prefix]<channel>}`
    public static let RPL_WHOISCHANNELS = IRCNumeric("319")
    /// 330 `<client> <nick> <account> :is logged in as`
    public static let RPL_WHOISACCOUNT = IRCNumeric("330")
    /// 352 `<client> <channel> <username> <host> <server> <nick> <flags> :<hopcount> <realname>`
    public static let RPL_WHOREPLY = IRCNumeric("352")
    /// 671 `<client> <nick> :is using a secure connection`
    public static let RPL_WHOISSECURE = IRCNumeric("671")

    // MARK: Channels: LIST, modes, topic, NAMES

    /// 321 `<client> Channel :Users  Name`
    public static let RPL_LISTSTART = IRCNumeric("321")
    /// 322 `<client> <channel> <client count> :<topic>`
    public static let RPL_LIST = IRCNumeric("322")
    /// 323 `<client> :End of /LIST`
    public static let RPL_LISTEND = IRCNumeric("323")
    /// 324 `<client> <channel> <modestring> <mode arguments>...`
    public static let RPL_CHANNELMODEIS = IRCNumeric("324")
    /// 329 `<client> <channel> <creationtime>`
    public static let RPL_CREATIONTIME = IRCNumeric("329")
    /// 331 `<client> <channel> :No topic is set`
    public static let RPL_NOTOPIC = IRCNumeric("331")
    /// 332 `<client> <channel> :<topic>`
    public static let RPL_TOPIC = IRCNumeric("332")
    /// 333 `<client> <channel> <nick> <setat>`
    public static let RPL_TOPICWHOTIME = IRCNumeric("333")
    /// 353 `<client> <symbol> <channel> :[prefix]<nick>{ [prefix]<nick>}`
    public static let RPL_NAMREPLY = IRCNumeric("353")
    /// 366 `<client> <channel> :End of /NAMES list`
    public static let RPL_ENDOFNAMES = IRCNumeric("366")

    // MARK: Message of the day

    /// 372 `<client> :<line of the motd>`
    public static let RPL_MOTD = IRCNumeric("372")
    /// 375 `<client> :- <server> Message of the day - `
    public static let RPL_MOTDSTART = IRCNumeric("375")
    /// 376 `<client> :End of /MOTD command.`
    public static let RPL_ENDOFMOTD = IRCNumeric("376")

    // MARK: Errors

    /// 400 `<client> <command>{ <subcommand>} :<info>`
    public static let ERR_UNKNOWNERROR = IRCNumeric("400")
    /// 401 `<client> <nickname> :No such nick/channel`
    public static let ERR_NOSUCHNICK = IRCNumeric("401")
    /// 402 `<client> <server name> :No such server`
    public static let ERR_NOSUCHSERVER = IRCNumeric("402")
    /// 403 `<client> <channel> :No such channel`
    public static let ERR_NOSUCHCHANNEL = IRCNumeric("403")
    /// 404 `<client> <channel> :Cannot send to channel`
    public static let ERR_CANNOTSENDTOCHAN = IRCNumeric("404")
    /// 405 `<client> <channel> :You have joined too many channels`
    public static let ERR_TOOMANYCHANNELS = IRCNumeric("405")
    /// 411 `<client> :No recipient given (<command>)`
    public static let ERR_NORECIPIENT = IRCNumeric("411")
    /// 412 `<client> :No text to send`
    public static let ERR_NOTEXTTOSEND = IRCNumeric("412")
    /// 417 `<client> :Input line was too long`
    public static let ERR_INPUTTOOLONG = IRCNumeric("417")
    /// 421 `<client> <command> :Unknown command`
    public static let ERR_UNKNOWNCOMMAND = IRCNumeric("421")
    /// 422 `<client> :MOTD File is missing`
    public static let ERR_NOMOTD = IRCNumeric("422")
    /// 431 `<client> :No nickname given`
    public static let ERR_NONICKNAMEGIVEN = IRCNumeric("431")
    /// 432 `<client> <nick> :Erroneus nickname`
    public static let ERR_ERRONEUSNICKNAME = IRCNumeric("432")
    /// 433 `<client> <nick> :Nickname is already in use`
    public static let ERR_NICKNAMEINUSE = IRCNumeric("433")
    /// 441 `<client> <nick> <channel> :They aren't on that channel`
    public static let ERR_USERNOTINCHANNEL = IRCNumeric("441")
    /// 442 `<client> <channel> :You're not on that channel`
    public static let ERR_NOTONCHANNEL = IRCNumeric("442")
    /// 443 `<client> <nick> <channel> :is already on channel`
    public static let ERR_USERONCHANNEL = IRCNumeric("443")
    /// 451 `<client> :You have not registered`
    public static let ERR_NOTREGISTERED = IRCNumeric("451")
    /// 461 `<client> <command> :Not enough parameters`
    public static let ERR_NEEDMOREPARAMS = IRCNumeric("461")
    /// 462 `<client> :You may not reregister`
    public static let ERR_ALREADYREGISTERED = IRCNumeric("462")
    /// 464 `<client> :Password incorrect`
    public static let ERR_PASSWDMISMATCH = IRCNumeric("464")
    /// 471 `<client> <channel> :Cannot join channel (+l)`
    public static let ERR_CHANNELISFULL = IRCNumeric("471")
    /// 472 `<client> <modechar> :is unknown mode char to me`
    public static let ERR_UNKNOWNMODE = IRCNumeric("472")
    /// 473 `<client> <channel> :Cannot join channel (+i)`
    public static let ERR_INVITEONLYCHAN = IRCNumeric("473")
    /// 474 `<client> <channel> :Cannot join channel (+b)`
    public static let ERR_BANNEDFROMCHAN = IRCNumeric("474")
    /// 475 `<client> <channel> :Cannot join channel (+k)`
    public static let ERR_BADCHANNELKEY = IRCNumeric("475")
    /// 476 `<channel> :Bad Channel Mask`
    public static let ERR_BADCHANMASK = IRCNumeric("476")
    /// 481 `<client> :Permission Denied- You're not an IRC operator`
    public static let ERR_NOPRIVILEGES = IRCNumeric("481")
    /// 491 `<client> :No O-lines for your host`
    public static let ERR_NOOPERHOST = IRCNumeric("491")
    /// 482 `<client> <channel> :You're not channel operator`
    public static let ERR_CHANOPRIVSNEEDED = IRCNumeric("482")
    /// 501 `<client> :Unknown MODE flag`
    public static let ERR_UMODEUNKNOWNFLAG = IRCNumeric("501")
    /// 502 `<client> :Cant change mode for other users`
    public static let ERR_USERSDONTMATCH = IRCNumeric("502")

    // MARK: SASL and accounts (IRCv3 sasl-3.1)

    /// 900 `<client> <nick>!<user>@<host> <account> :You are now logged in as <username>`
    public static let RPL_LOGGEDIN = IRCNumeric("900")
    /// 901 `<client> <nick>!<user>@<host> :You are now logged out`
    public static let RPL_LOGGEDOUT = IRCNumeric("901")
    /// 902 `<client> :You must use a nick assigned to you`
    public static let ERR_NICKLOCKED = IRCNumeric("902")
    /// 903 `<client> :SASL authentication successful`
    public static let RPL_SASLSUCCESS = IRCNumeric("903")
    /// 904 `<client> :SASL authentication failed`
    public static let ERR_SASLFAIL = IRCNumeric("904")
    /// 905 `<client> :SASL message too long`
    public static let ERR_SASLTOOLONG = IRCNumeric("905")
    /// 906 `<client> :SASL authentication aborted`
    public static let ERR_SASLABORTED = IRCNumeric("906")
    /// 907 `<client> :You have already authenticated using SASL`
    public static let ERR_SASLALREADY = IRCNumeric("907")
    /// 908 `<client> <mechanisms> :are available SASL mechanisms`
    public static let RPL_SASLMECHS = IRCNumeric("908")

    // MARK: Counts, presence, lists and limits

    /// 254 `<client> <channels> :channels formed`
    public static let RPL_LUSERCHANNELS = IRCNumeric("254")
    /// 255 `<client> :I have <c> clients and <s> servers`
    public static let RPL_LUSERME = IRCNumeric("255")
    /// 303 `<client> :[<nickname>{ <nickname>}]`
    public static let RPL_ISON = IRCNumeric("303")
    /// 305 `<client> :You are no longer marked as being away`
    public static let RPL_UNAWAY = IRCNumeric("305")
    /// 306 `<client> :You have been marked as being away`
    public static let RPL_NOWAWAY = IRCNumeric("306")
    /// 368 `<client> <channel> :End of channel ban list`
    public static let RPL_ENDOFBANLIST = IRCNumeric("368")
    /// 407 `<client> <target> :<error message>` (RFC 2812 ERR_TOOMANYTARGETS)
    public static let ERR_TOOMANYTARGETS = IRCNumeric("407")
    /// 410 `<client> <command> :Invalid CAP command`
    public static let ERR_INVALIDCAPCMD = IRCNumeric("410")

    // MARK: Server queries, WHOWAS, MONITOR, HELP, bots

    /// 314 `<client> <nick> <username> <host> * :<realname>`
    public static let RPL_WHOWASUSER = IRCNumeric("314")
    /// 369 `<client> <nick> :End of WHOWAS`
    public static let RPL_ENDOFWHOWAS = IRCNumeric("369")
    /// 406 `<client> <nick> :There was no such nickname`
    public static let ERR_WASNOSUCHNICK = IRCNumeric("406")
    /// 335 `<client> <nick> :is a bot`
    public static let RPL_WHOISBOT = IRCNumeric("335")
    /// 351 `<client> <version> <server> :<comments>`
    public static let RPL_VERSION = IRCNumeric("351")
    /// 371 `<client> :<string>`
    public static let RPL_INFO = IRCNumeric("371")
    /// 374 `<client> :End of INFO list`
    public static let RPL_ENDOFINFO = IRCNumeric("374")
    /// 391 `<client> <server> [<timestamp> [<TS offset>]] :<human-readable time>`
    public static let RPL_TIME = IRCNumeric("391")
    /// 704 `<client> <subject> :<first line of help section>`
    public static let RPL_HELPSTART = IRCNumeric("704")
    /// 705 `<client> <subject> :<line of help text>`
    public static let RPL_HELPTXT = IRCNumeric("705")
    /// 706 `<client> <subject> :<last line of help text>`
    public static let RPL_ENDOFHELP = IRCNumeric("706")
    /// 524 `<client> <subject> :<error message>`
    public static let ERR_HELPNOTFOUND = IRCNumeric("524")
    /// 730 `<client> :target[!user@host][,target[!user@host]]*`
    public static let RPL_MONONLINE = IRCNumeric("730")
    /// 731 `<client> :target[,target2]*`
    public static let RPL_MONOFFLINE = IRCNumeric("731")
    /// 732 `<client> :target[,target2]*`
    public static let RPL_MONLIST = IRCNumeric("732")
    /// 733 `<client> :End of MONITOR list`
    public static let RPL_ENDOFMONLIST = IRCNumeric("733")
    /// 734 `<client> <limit> <targets> :Monitor list is full.`
    public static let ERR_MONLISTFULL = IRCNumeric("734")
}
