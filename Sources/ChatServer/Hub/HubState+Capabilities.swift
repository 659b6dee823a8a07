import IRC

extension HubState {
    /// CAP <subcommand> [:<capabilities>]
    ///
    /// LS, LIST, REQ and END, before and after registration. LS or REQ before
    /// registration holds it until END. REQ is all or nothing: one unknown name and
    /// the whole request is NAKed.
    mutating func cap(_ command: HubCommandContext, into replies: inout HubResponseBuffer) {
        guard var client = sessions[command.session] else { return }
        let subcommand = command.params[0].uppercased()
        let target = client.replyTarget
        func answer(_ params: String...) {
            replies.reply(IRCMessage(source: server, command: "CAP", params: [target] + params))
        }
        switch subcommand {
        case "LS":
            let version = command.params.count > 1 ? Int(command.params[1]) ?? 0 : 0
            if !client.isRegistered { client.isNegotiatingCapabilities = true }
            sessions[command.session] = client
            answer("LS", HubCapabilities.advertisement(version: version))
        case "LIST":
            answer("LIST", client.capabilities.names)
        case "REQ":
            guard command.params.count > 1 else {
                replies.numeric(.ERR_NEEDMOREPARAMS, "CAP", "Not enough parameters")
                return
            }
            let request = command.params[1]
            if !client.isRegistered { client.isNegotiatingCapabilities = true }
            guard let (enable, disable) = Self.parseCapabilityRequest(request) else {
                sessions[command.session] = client
                answer("NAK", request)
                return
            }
            client.capabilities.formUnion(enable)
            client.capabilities.subtract(disable)
            sessions[command.session] = client
            if let user = client.userID { invalidateDeliveryGroups(of: user) }
            answer("ACK", request)
        case "END":
            guard !client.isRegistered else { return }
            client.isNegotiatingCapabilities = false
            sessions[command.session] = client
            completeRegistrationIfReady(command.session, now: command.now, into: &replies)
        default:
            replies.numeric(.ERR_INVALIDCAPCMD, command.params[0], "Invalid CAP command")
        }
    }

    /// The capabilities to enable and to disable (`-name`), or `nil` when the request
    /// names one this hub does not offer or names none.
    static func parseCapabilityRequest(_ request: String) -> (enable: HubCapabilities, disable: HubCapabilities)? {
        var enable: HubCapabilities = []
        var disable: HubCapabilities = []
        for word in request.split(separator: " ") {
            if word.hasPrefix("-") {
                guard let capability = HubCapabilities(name: word.dropFirst()) else { return nil }
                disable.insert(capability)
            } else {
                guard let capability = HubCapabilities(name: word) else { return nil }
                enable.insert(capability)
            }
        }
        guard !enable.isEmpty || !disable.isEmpty else { return nil }
        return (enable, disable)
    }
}
