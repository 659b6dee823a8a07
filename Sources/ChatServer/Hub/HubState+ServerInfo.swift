import Foundation
import IRC

extension HubState {
    /// TIME [<server>]
    ///
    /// 391 with the server's name, the Unix time, an offset of 0 and the UTC time as
    /// server-time writes it.
    mutating func time(_ command: HubCommandContext, into replies: inout HubResponseBuffer) {
        guard checkServer(command, into: &replies) else { return }
        replies.numeric(
            .RPL_TIME, server.rawValue, Self.unixSeconds(command.now), "0", Self.serverTime(command.now).tagValue
        )
    }

    /// VERSION [<server>]
    ///
    /// 351, then the RPL_ISUPPORT lines again.
    mutating func version(_ command: HubCommandContext, into replies: inout HubResponseBuffer) {
        guard checkServer(command, into: &replies) else { return }
        replies.numeric(.RPL_VERSION, configuration.version, server.rawValue, "SecureChat: IRC over mutual TLS")
        sendISupport(into: &replies)
    }

    /// INFO [<server>]
    mutating func info(_ command: HubCommandContext, into replies: inout HubResponseBuffer) {
        guard checkServer(command, into: &replies) else { return }
        let lines = [
            "\(configuration.version): SecureChat, a chat room for operations teams",
            "IRC and IRCv3 over mutual TLS; only holders of an allowlisted client certificate get in,",
            "each under the nicks the allowlist binds to their certificate.",
            "Running on \(server) since \(Self.serverTime(configuration.created).tagValue).",
        ]
        for line in lines { replies.numeric(.RPL_INFO, line) }
        replies.numeric(.RPL_ENDOFINFO, "End of INFO list")
    }

    /// Whether the optional server parameter names this server (or is absent); 402 otherwise.
    private func checkServer(_ command: HubCommandContext, into replies: inout HubResponseBuffer) -> Bool {
        guard let asked = command.params.first, !asked.isEmpty else { return true }
        guard IRCCaseMapping.equals(asked, server.rawValue) else {
            replies.numeric(.ERR_NOSUCHSERVER, asked, "No such server")
            return false
        }
        return true
    }

    /// The RPL_ISUPPORT (005) lines, as at registration.
    func sendISupport(into replies: inout HubResponseBuffer) {
        let target = replies.target
        for tokens in ISupport.lines(ISupport.tokens(for: configuration), server: server.rawValue, target: target) {
            replies.reply(IRCMessage(source: server, numeric: .RPL_ISUPPORT, params: [target] + tokens + [ISupport.trailing]))
        }
    }

    /// HELP [<subject>]
    /// HELPOP [<subject>]
    ///
    /// 704, 705… and 706 with the syntax and a line on the command (``HelpTopics``); 524
    /// for a subject the server has no text for. Without a subject, the list of commands.
    mutating func help(_ command: HubCommandContext, into replies: inout HubResponseBuffer) {
        let asked = command.params.first.flatMap { $0.isEmpty ? nil : $0 }
        let subject = asked?.uppercased() ?? "*"
        guard let lines = asked == nil ? HelpTopics.index : HelpTopics.text[subject] else {
            replies.numeric(.ERR_HELPNOTFOUND, asked ?? "*", "No help available on this topic")
            return
        }
        for (index, line) in lines.enumerated() {
            let numeric: IRCNumeric = index == 0 ? .RPL_HELPSTART : .RPL_HELPTXT
            replies.numeric(numeric, subject, line)
        }
        replies.numeric(.RPL_ENDOFHELP, subject, "End of /HELP")
    }
}
