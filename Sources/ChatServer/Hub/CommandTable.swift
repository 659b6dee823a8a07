import Foundation
import IRC

/// What a handler gets: the message, who sent it and when.
struct HubCommandContext {
    let message: IRCMessage
    let session: SessionID
    let now: Date

    var params: [String] { message.params }
}

/// One row of the command table: how many parameters the command needs, whether it
/// may come before registration, and the handler that does the work.
///
/// ``HubState/handle(_:from:now:)`` checks registration (451) and parameter count
/// (461) from the row, once, so handlers start with what they need.
struct HubCommand: Sendable {
    typealias Handler = @Sendable (inout HubState, HubCommandContext, inout HubResponseBuffer) -> Void

    let minimumParameters: Int
    let allowedBeforeRegistration: Bool
    let handler: Handler

    init(minimumParameters: Int = 0, allowedBeforeRegistration: Bool = false, _ handler: @escaping Handler) {
        self.minimumParameters = minimumParameters
        self.allowedBeforeRegistration = allowedBeforeRegistration
        self.handler = handler
    }
}

extension HubState {
    /// Every command the hub understands, by upper-case name.
    ///
    /// NICK, PRIVMSG, NOTICE and TAGMSG ask for no parameters here because a missing
    /// nick or recipient has its own numeric (431, 411) rather than 461.
    static let commands: [String: HubCommand] = [
        // Registration and connection (HubState+Registration.swift)
        "CAP": HubCommand(minimumParameters: 1, allowedBeforeRegistration: true) { $0.cap($1, into: &$2) },
        "AUTHENTICATE": HubCommand(minimumParameters: 1, allowedBeforeRegistration: true) { $0.authenticate($1, into: &$2) },
        "PASS": HubCommand(minimumParameters: 1, allowedBeforeRegistration: true) { $0.pass($1, into: &$2) },
        "NICK": HubCommand(allowedBeforeRegistration: true) { $0.nick($1, into: &$2) },
        "USER": HubCommand(minimumParameters: 4, allowedBeforeRegistration: true) { $0.user($1, into: &$2) },
        "PING": HubCommand(minimumParameters: 1, allowedBeforeRegistration: true) { $0.ping($1, into: &$2) },
        "PONG": HubCommand(allowedBeforeRegistration: true) { _, _, _ in },
        "QUIT": HubCommand(allowedBeforeRegistration: true) { $0.quit($1, into: &$2) },
        // Channels (HubState+Channels.swift, HubState+ChannelModes.swift, HubState+Invite.swift)
        "JOIN": HubCommand(minimumParameters: 1) { $0.join($1, into: &$2) },
        "PART": HubCommand(minimumParameters: 1) { $0.part($1, into: &$2) },
        "TOPIC": HubCommand(minimumParameters: 1) { $0.topic($1, into: &$2) },
        "NAMES": HubCommand { $0.names($1, into: &$2) },
        "LIST": HubCommand { $0.list($1, into: &$2) },
        "KICK": HubCommand(minimumParameters: 2) { $0.kick($1, into: &$2) },
        "MODE": HubCommand(minimumParameters: 1) { $0.mode($1, into: &$2) },
        "INVITE": HubCommand(minimumParameters: 2) { $0.invite($1, into: &$2) },
        // Messages (HubState+Messaging.swift)
        "PRIVMSG": HubCommand { $0.relay(.privmsg, $1, into: &$2) },
        "NOTICE": HubCommand { $0.relay(.notice, $1, into: &$2) },
        "TAGMSG": HubCommand { $0.relay(.tagmsg, $1, into: &$2) },
        "AWAY": HubCommand { $0.away($1, into: &$2) },
        // History (HubState+History.swift)
        "CHATHISTORY": HubCommand(minimumParameters: 1) { $0.chathistory($1, into: &$2) },
        // Missing parameters get the spec's FAIL, not 461 (HubState+ReadMarkers.swift).
        "MARKREAD": HubCommand { $0.markRead($1, into: &$2) },
        // Queries (HubState+Queries.swift)
        "WHO": HubCommand(minimumParameters: 1) { $0.who($1, into: &$2) },
        "WHOIS": HubCommand(minimumParameters: 1) { $0.whois($1, into: &$2) },
        "ISON": HubCommand(minimumParameters: 1) { $0.ison($1, into: &$2) },
        "USERHOST": HubCommand(minimumParameters: 1) { $0.userhost($1, into: &$2) },
        "LUSERS": HubCommand { $0.lusers($1, into: &$2) },
        "MOTD": HubCommand { $0.motd($1, into: &$2) },
        // Operators (HubState+Operators.swift)
        "OPER": HubCommand(minimumParameters: 1) { $0.oper($1, into: &$2) },
        "KILL": HubCommand(minimumParameters: 2) { $0.kill($1, into: &$2) },
        // Reports to the operators (HubState+Reports.swift)
        "REPORT": HubCommand(minimumParameters: 2) { $0.report($1, into: &$2) },
        "REPORTS": HubCommand { $0.reports($1, into: &$2) },
        "RESOLVE": HubCommand(minimumParameters: 2) { $0.resolve($1, into: &$2) },
        // Server information and WHOWAS (HubState+ServerInfo.swift, HubState+Whowas.swift)
        "TIME": HubCommand { $0.time($1, into: &$2) },
        "VERSION": HubCommand { $0.version($1, into: &$2) },
        "INFO": HubCommand { $0.info($1, into: &$2) },
        "HELP": HubCommand { $0.help($1, into: &$2) },
        "HELPOP": HubCommand { $0.help($1, into: &$2) },
        "WHOWAS": HubCommand(minimumParameters: 1) { $0.whowasQuery($1, into: &$2) },
        // IRCv3 (HubState+Monitor.swift, HubState+Setname.swift, HubState+Multiline.swift)
        "MONITOR": HubCommand(minimumParameters: 1) { $0.monitor($1, into: &$2) },
        "SETNAME": HubCommand(minimumParameters: 1) { $0.setname($1, into: &$2) },
        "BATCH": HubCommand(minimumParameters: 1) { $0.batch($1, into: &$2) },
    ]
}
