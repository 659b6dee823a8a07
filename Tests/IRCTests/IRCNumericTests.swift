import IRC
import Testing

/// Every numeric the server uses, by its modern.ircdocs.horse name and code.
let specNumerics: [(String, IRCNumeric, String)] = [
    ("RPL_WELCOME", .RPL_WELCOME, "001"),
    ("RPL_YOURHOST", .RPL_YOURHOST, "002"),
    ("RPL_CREATED", .RPL_CREATED, "003"),
    ("RPL_MYINFO", .RPL_MYINFO, "004"),
    ("RPL_ISUPPORT", .RPL_ISUPPORT, "005"),
    ("RPL_UMODEIS", .RPL_UMODEIS, "221"),
    ("RPL_LUSERCLIENT", .RPL_LUSERCLIENT, "251"),
    ("RPL_WHOISCERTFP", .RPL_WHOISCERTFP, "276"),
    ("RPL_AWAY", .RPL_AWAY, "301"),
    ("RPL_USERHOST", .RPL_USERHOST, "302"),
    ("RPL_WHOISUSER", .RPL_WHOISUSER, "311"),
    ("RPL_WHOISSERVER", .RPL_WHOISSERVER, "312"),
    ("RPL_WHOISOPERATOR", .RPL_WHOISOPERATOR, "313"),
    ("RPL_ENDOFWHO", .RPL_ENDOFWHO, "315"),
    ("RPL_WHOISIDLE", .RPL_WHOISIDLE, "317"),
    ("RPL_ENDOFWHOIS", .RPL_ENDOFWHOIS, "318"),
    ("RPL_WHOISCHANNELS", .RPL_WHOISCHANNELS, "319"),
    ("RPL_LISTSTART", .RPL_LISTSTART, "321"),
    ("RPL_LIST", .RPL_LIST, "322"),
    ("RPL_LISTEND", .RPL_LISTEND, "323"),
    ("RPL_CHANNELMODEIS", .RPL_CHANNELMODEIS, "324"),
    ("RPL_CREATIONTIME", .RPL_CREATIONTIME, "329"),
    ("RPL_WHOISACCOUNT", .RPL_WHOISACCOUNT, "330"),
    ("RPL_NOTOPIC", .RPL_NOTOPIC, "331"),
    ("RPL_TOPIC", .RPL_TOPIC, "332"),
    ("RPL_TOPICWHOTIME", .RPL_TOPICWHOTIME, "333"),
    ("RPL_WHOREPLY", .RPL_WHOREPLY, "352"),
    ("RPL_NAMREPLY", .RPL_NAMREPLY, "353"),
    ("RPL_ENDOFNAMES", .RPL_ENDOFNAMES, "366"),
    ("RPL_MOTD", .RPL_MOTD, "372"),
    ("RPL_MOTDSTART", .RPL_MOTDSTART, "375"),
    ("RPL_ENDOFMOTD", .RPL_ENDOFMOTD, "376"),
    ("RPL_WHOISSECURE", .RPL_WHOISSECURE, "671"),
    ("ERR_NOSUCHNICK", .ERR_NOSUCHNICK, "401"),
    ("ERR_NOSUCHSERVER", .ERR_NOSUCHSERVER, "402"),
    ("ERR_NOSUCHCHANNEL", .ERR_NOSUCHCHANNEL, "403"),
    ("ERR_CANNOTSENDTOCHAN", .ERR_CANNOTSENDTOCHAN, "404"),
    ("ERR_TOOMANYCHANNELS", .ERR_TOOMANYCHANNELS, "405"),
    ("ERR_NORECIPIENT", .ERR_NORECIPIENT, "411"),
    ("ERR_NOTEXTTOSEND", .ERR_NOTEXTTOSEND, "412"),
    ("ERR_INPUTTOOLONG", .ERR_INPUTTOOLONG, "417"),
    ("ERR_UNKNOWNCOMMAND", .ERR_UNKNOWNCOMMAND, "421"),
    ("ERR_NOMOTD", .ERR_NOMOTD, "422"),
    ("ERR_NONICKNAMEGIVEN", .ERR_NONICKNAMEGIVEN, "431"),
    ("ERR_ERRONEUSNICKNAME", .ERR_ERRONEUSNICKNAME, "432"),
    ("ERR_NICKNAMEINUSE", .ERR_NICKNAMEINUSE, "433"),
    ("ERR_USERNOTINCHANNEL", .ERR_USERNOTINCHANNEL, "441"),
    ("ERR_NOTONCHANNEL", .ERR_NOTONCHANNEL, "442"),
    ("ERR_USERONCHANNEL", .ERR_USERONCHANNEL, "443"),
    ("ERR_NOTREGISTERED", .ERR_NOTREGISTERED, "451"),
    ("ERR_NEEDMOREPARAMS", .ERR_NEEDMOREPARAMS, "461"),
    ("ERR_ALREADYREGISTERED", .ERR_ALREADYREGISTERED, "462"),
    ("ERR_PASSWDMISMATCH", .ERR_PASSWDMISMATCH, "464"),
    ("ERR_CHANNELISFULL", .ERR_CHANNELISFULL, "471"),
    ("ERR_UNKNOWNMODE", .ERR_UNKNOWNMODE, "472"),
    ("ERR_INVITEONLYCHAN", .ERR_INVITEONLYCHAN, "473"),
    ("ERR_BANNEDFROMCHAN", .ERR_BANNEDFROMCHAN, "474"),
    ("ERR_BADCHANNELKEY", .ERR_BADCHANNELKEY, "475"),
    ("ERR_BADCHANMASK", .ERR_BADCHANMASK, "476"),
    ("ERR_NOPRIVILEGES", .ERR_NOPRIVILEGES, "481"),
    ("ERR_CHANOPRIVSNEEDED", .ERR_CHANOPRIVSNEEDED, "482"),
    ("ERR_UMODEUNKNOWNFLAG", .ERR_UMODEUNKNOWNFLAG, "501"),
    ("ERR_USERSDONTMATCH", .ERR_USERSDONTMATCH, "502"),
    ("RPL_LOGGEDIN", .RPL_LOGGEDIN, "900"),
    ("RPL_LOGGEDOUT", .RPL_LOGGEDOUT, "901"),
    ("ERR_NICKLOCKED", .ERR_NICKLOCKED, "902"),
    ("RPL_SASLSUCCESS", .RPL_SASLSUCCESS, "903"),
    ("ERR_SASLFAIL", .ERR_SASLFAIL, "904"),
    ("ERR_SASLTOOLONG", .ERR_SASLTOOLONG, "905"),
    ("ERR_SASLABORTED", .ERR_SASLABORTED, "906"),
    ("ERR_SASLALREADY", .ERR_SASLALREADY, "907"),
    ("RPL_SASLMECHS", .RPL_SASLMECHS, "908"),
]

@Suite("Numerics")
struct IRCNumericTests {
    @Test("has the code modern.ircdocs.horse gives it", arguments: specNumerics)
    func hasSpecCode(name: String, numeric: IRCNumeric, code: String) {
        #expect(numeric.code == code, "\(name)")
        #expect(numeric.description == code)
    }

    @Test func codesAreDistinctThreeDigitCommands() {
        #expect(specNumerics.count == 72)
        #expect(Set(specNumerics.map(\.1)).count == specNumerics.count)
        for (name, numeric, _) in specNumerics {
            #expect(IRCMessage(source: "s", numeric: numeric, params: ["*"]).isWellFormed, "\(name)")
        }
    }

    @Test func aNumericReplyCarriesSourceCodeAndTarget() throws {
        let reply = IRCMessage(source: "irc.example.com", numeric: .ERR_NICKNAMEINUSE, params: ["*", "dan", "Nickname is already in use"])
        #expect(reply.serialized == ":irc.example.com 433 * dan :Nickname is already in use")
        #expect(try IRCMessage(parsing: reply.serialized.utf8).command == IRCNumeric.ERR_NICKNAMEINUSE.code)
    }
}
