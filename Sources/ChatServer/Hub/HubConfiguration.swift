import Foundation
import HistoryStore

/// What the hub announces and the limits it enforces; every field has a default.
///
/// Names (`serverName`, `networkName`) go on the wire as they are, so the loader keeps
/// them free of spaces; the hub does not re-check them.
public struct HubConfiguration: Sendable {
    /// The source of every numeric and server notice.
    public var serverName: String
    /// Shown in RPL_WELCOME and as `NETWORK=` in RPL_ISUPPORT.
    public var networkName: String
    /// Shown in RPL_YOURHOST and RPL_MYINFO.
    public var version: String
    /// When the server started, for RPL_CREATED and the default channel's creation time.
    public var created: Date
    /// The channel every user joins at registration; the server owns it (no operator,
    /// topic settable by any member, mode `+n` only). Not a valid channel name: no such channel.
    public var defaultChannel: String
    /// Lines of the message of the day; `nil` answers ERR_NOMOTD.
    public var motd: [String]?
    /// Warn at registration when the client certificate expires within this many days.
    public var expiryWarningDays: Int
    /// CHANLIMIT: channels one user may be on at once.
    public var maxChannelsPerUser: Int
    /// TOPICLEN: longer topics are cut to this many bytes.
    public var topicLength: Int
    /// TARGMAX for PRIVMSG, NOTICE (and TAGMSG): targets in one command.
    public var maxTargets: Int
    /// Lines a session may send before it registers; one more closes it.
    public var maxLinesBeforeRegistration: Int
    /// Sessions one nick may have at once; registering one more closes the oldest. 1 gives
    /// "newest login wins".
    public var maxSessionsPerNick: Int
    /// Messages of a channel replayed on JOIN to sessions without draft/chathistory; 0: none.
    public var replayOnJoin = 0
    /// Only messages younger than this are replayed on JOIN.
    public var replayMaxAge: Duration = .seconds(24 * 3600)
    /// Where msgids come from: the history log's sequencer, so that an ID is unique and
    /// sortable across restarts (and, later, across hubs sharing one log).
    public var messageIDs: any HistorySequencer = LocalHistorySequencer(epoch: 1)
    /// Whether a filter match's audit line keeps the message's text (`[moderation] audit_text`).
    public var auditText = false
    /// Whether the server keeps a history log (`[history] enabled`). Without one, REPORT is
    /// refused (reports are stored there) and MARKREAD keeps markers in memory only,
    /// answering at once instead of once they are stored.
    public var hasHistoryLog = true

    public init(
        serverName: String = "securechat.local",
        networkName: String = "SecureChat",
        version: String = "securechat-0.1",
        created: Date = Date(),
        defaultChannel: String = "#lobby",
        motd: [String]? = nil,
        expiryWarningDays: Int = 14,
        maxChannelsPerUser: Int = 50,
        topicLength: Int = 390,
        maxTargets: Int = 4,
        maxLinesBeforeRegistration: Int = 1024,
        maxSessionsPerNick: Int = 8
    ) {
        self.serverName = serverName
        self.networkName = networkName
        self.version = version
        self.created = created
        self.defaultChannel = defaultChannel
        self.motd = motd
        self.expiryWarningDays = expiryWarningDays
        self.maxChannelsPerUser = maxChannelsPerUser
        self.topicLength = topicLength
        self.maxTargets = maxTargets
        self.maxLinesBeforeRegistration = maxLinesBeforeRegistration
        self.maxSessionsPerNick = maxSessionsPerNick
    }
}
