/// The text HELP gives: for each command the server knows, its syntax and what it does here.
enum HelpTopics {
    static let text: [String: [String]] = [
        "ACCOUNT": ["ACCOUNT is sent, not asked: with account-notify, a channel peer's account changed"],
        "AUTHENTICATE": ["AUTHENTICATE EXTERNAL", "SASL with the client certificate; the account is its first allowlisted nick"],
        "AWAY": ["AWAY [<text>]", "Marks you away (or back, without a text); others see it once all your sessions are"],
        "BATCH": ["BATCH +<ref> draft/multiline <target> ... BATCH -<ref>", "Sends the lines between as one multiline message"],
        "CAP": ["CAP LS [302] | LIST | REQ :<caps> | END", "Negotiates IRCv3 capabilities"],
        "CHATHISTORY": ["CHATHISTORY LATEST|BEFORE|AFTER|AROUND|BETWEEN <target> ... | TARGETS ...", "Reads the history log"],
        "HELP": ["HELP [<command>]", "This text; HELPOP is the same"],
        "HELPOP": ["HELPOP [<command>]", "The same as HELP"],
        "INFO": ["INFO", "What this server is"],
        "ISON": ["ISON <nick>{ <nick>}", "Which of the nicks are online"],
        "JOIN": ["JOIN <channel>{,<channel>} | JOIN 0", "Joins channels (all your sessions do); 0 leaves every channel"],
        "INVITE": ["INVITE <nick> <channel>", "Invites a nick: it may then join past +i, +k and +l once"],
        "KICK": ["KICK <channel> <nick> [<reason>]", "Removes a nick from a channel you operate (an operator: any channel)"],
        "KILL": ["KILL <nick> <reason>", "Operators: closes every session of the nick"],
        "LIST": ["LIST [<channel>{,<channel>}]", "Channels with their member counts and topics"],
        "LUSERS": ["LUSERS", "How many users, clients and channels there are"],
        "MODE": ["MODE <channel> [<modes> <args>] | MODE <nick> [+|-iB] [-o]", "Channel or user modes; +B marks you as a bot"],
        "MONITOR": ["MONITOR + <nicks> | - <nicks> | C | L | S", "Tells you when the nicks come online and go offline"],
        "MOTD": ["MOTD", "The message of the day"],
        "NAMES": ["NAMES [<channel>{,<channel>}]", "Who is on the channels"],
        "NICK": ["NICK <nick>", "Changes your nick to another nick bound to your certificate"],
        "NOTICE": ["NOTICE <target>{,<target>} <text>", "Like PRIVMSG, but never answered automatically"],
        "OPER": ["OPER <name> [<password>]", "Operator status, when [operators] lists your nick or certificate"],
        "PART": ["PART <channel>{,<channel>} [<reason>]", "Leaves channels"],
        "PASS": ["PASS <password>", "Accepted and ignored: the certificate is the credential"],
        "PING": ["PING <token>", "The server answers PONG <token>"],
        "PONG": ["PONG <token>", "The answer to the server's PING"],
        "PRIVMSG": ["PRIVMSG <target>{,<target>} <text>", "Sends to a channel or a nick (kept for an allowlisted nick offline)"],
        "QUIT": ["QUIT [<reason>]", "Closes this connection"],
        "MARKREAD": ["MARKREAD <target> [timestamp=<time>]", "Tells or asks the last message read in a buffer (draft/read-marker)"],
        "REPORT": ["REPORT <nick|#channel> [<msgid>] :<reason>", "Reports to the operators, with what you were sent as evidence"],
        "REPORTS": ["REPORTS [<id>]", "Operators: the open reports, or one report's evidence"],
        "RESOLVE": ["RESOLVE <id> :<note>", "Operators: closes a report and tells the reporter the note"],
        "SETNAME": ["SETNAME <realname>", "Changes your real name; peers with the setname capability are told"],
        "TAGMSG": ["TAGMSG <target>", "Sends only tags (reactions, typing) to message-tags clients"],
        "TIME": ["TIME", "The server's time"],
        "TOPIC": ["TOPIC <channel> [<topic>]", "Shows or sets a channel's topic"],
        "USER": ["USER <username> 0 * <realname>", "Registration: your username and real name"],
        "USERHOST": ["USERHOST <nick>{ <nick>}", "user@host of up to five nicks, * for operators, - when away"],
        "VERSION": ["VERSION", "The server's version and ISUPPORT tokens"],
        "WHO": ["WHO <channel>|<nick>", "Who is on a channel or matches a mask (*, ?); flags H/G, * operator, B bot"],
        "WHOIS": ["WHOIS <nick>{,<nick>}", "A nick's details: host, channels, account, idle time"],
        "WHOWAS": ["WHOWAS <nick> [<count>]", "The nick's last departures (the last 1,000 are kept in memory)"],
    ]

    /// HELP without a subject: the commands there is help on.
    static let index: [String] = {
        var lines = ["Commands; HELP <command> tells more:"]
        var line = ""
        for name in text.keys.sorted() {
            if line.utf8.count + name.utf8.count + 1 > 300 {
                lines.append(line)
                line = ""
            }
            line += line.isEmpty ? name : " " + name
        }
        if !line.isEmpty { lines.append(line) }
        return lines
    }()
}
