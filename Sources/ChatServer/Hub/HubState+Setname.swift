import Foundation
import IRC

extension HubState {
    /// The longest real name SETNAME takes, in bytes of UTF-8.
    static let realnameLength = 200

    /// SETNAME <realname>
    ///
    /// IRCv3 `setname`: the nick's real name (every session of it) becomes `<realname>`.
    /// The nick's sessions and its channel peers that negotiated `setname` get
    /// `:nick!user@host SETNAME :<realname>`, as do MONITOR watchers with
    /// extended-monitor and `setname`; a sender without the capability gets a NOTICE
    /// instead. An empty name or one over ``realnameLength`` bytes:
    /// `FAIL SETNAME INVALID_REALNAME`.
    mutating func setname(_ command: HubCommandContext, into replies: inout HubResponseBuffer) {
        let realname = command.params[0]
        guard !realname.isEmpty, realname.utf8.count <= Self.realnameLength else {
            replies.fail(
                "SETNAME", .invalidRealname,
                "Your real name must be 1 to \(Self.realnameLength) bytes; it was \(realname.utf8.count)"
            )
            return
        }
        guard let (source, capabilities, user) = sessions.read(command.session, { ($0.source, $0.capabilities, $0.userID) }),
            let user, let own = users.read(user, { $0.sessions })
        else { return }
        for session in own {
            sessions.update(session) { $0.realname = realname }
        }
        let message = IRCMessage(source: source, command: "SETNAME", params: [realname])
        let (ownWithCap, _) = partition(deliveryGroups(of: own), by: .setname)
        deliver(message, to: ownWithCap, now: command.now, into: &replies)
        tellPeers(of: user, message, with: .setname, now: command.now, into: &replies)
        if !capabilities.contains(.setname) {
            replies.notice("Your real name is now: \(realname)")
        }
    }
}
