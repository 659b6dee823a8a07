import Foundation
import IRC

/// One connection as the hub knows it: identity, registration progress, capabilities.
///
/// Once registered, the session is one of its nick's sessions (``HubUser``), which holds
/// what belongs to the nick: channels, away as others see it, idle time, user modes.
struct HubSession: Sendable {
    /// Where SASL EXTERNAL stands for this session.
    enum SASLState: Sendable {
        case idle
        /// `AUTHENTICATE EXTERNAL` was accepted; the next AUTHENTICATE carries the authzid.
        case awaitingResponse
        case authenticated
    }

    let id: SessionID
    var identity: ClientIdentity
    let connectedAt: Date
    /// The nick as the client spelled it (one of the bound nicks), once NICK was accepted.
    var nick: String? { didSet { refreshSource() } }
    /// The username from USER, reduced to characters that are safe in a prefix.
    var user: String? { didSet { refreshSource() } }
    var realname = ""
    var isRegistered = false
    /// The nick this session is a session of, from registration on.
    var userID: UserID?
    /// Lines received while not registered, against `maxLinesBeforeRegistration`.
    var linesBeforeRegistration = 0
    /// An unbound nick was refused before registration; the next one gets the account nick.
    var hasRefusedNick = false
    /// `CAP LS` or `CAP REQ` before registration holds it until `CAP END`.
    var isNegotiatingCapabilities = false
    var capabilities: HubCapabilities = []
    var sasl = SASLState.idle
    /// This session's AWAY text and when it was set; the nick shows as away only while
    /// all its sessions are.
    var away: (message: String, since: Date)?
    /// The `draft/multiline` batch the client has opened and not yet closed.
    var openBatch: MultilineBatch?
    /// Folded nicks this session watches with MONITOR.
    var monitored: Set<String> = []
    /// `nick!user@host`, built once per nick change and shared by every message it sends.
    private(set) var source: IRCSource

    init(id: SessionID, identity: ClientIdentity, now: Date) {
        self.id = id
        self.identity = identity
        self.connectedAt = now
        self.source = IRCSource(nick: "*", user: "*", host: Self.displayHost(identity.host))
    }

    /// The account: the first nick the allowlist binds to the certificate.
    var account: String { identity.boundNicks.first ?? "*" }

    /// The first parameter of every numeric sent to this session.
    var replyTarget: String { nick ?? "*" }

    /// The host as it appears in prefixes and replies. An IPv6 address such as `::1`
    /// would start a parameter with `:` and end the parameter list, so it gets a
    /// leading `0`, as other servers do.
    var host: String { Self.displayHost(identity.host) }

    /// Whether `nick` is bound to this session's certificate (ascii casemapping).
    func isBound(_ nick: String) -> Bool {
        identity.boundNicks.contains { IRCCaseMapping.equals($0, nick) }
    }

    private mutating func refreshSource() {
        source = IRCSource(nick: nick ?? "*", user: user ?? "*", host: host)
    }

    static func displayHost(_ host: String) -> String {
        host.hasPrefix(":") ? "0" + host : host
    }

    /// A username safe in `nick!user@host` and as a middle parameter: letters, digits,
    /// `-`, `_` and `.`, at most 16 of them; `user` when nothing is left.
    static func sanitizedUsername(_ raw: String) -> String {
        let kept = raw.unicodeScalars.filter {
            $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || "-_.".unicodeScalars.contains($0))
        }
        let name = String(String.UnicodeScalarView(kept.prefix(16)))
        return name.isEmpty ? "user" : name
    }
}
