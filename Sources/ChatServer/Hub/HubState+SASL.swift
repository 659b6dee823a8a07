import Foundation
import IRC

extension HubState {
    /// AUTHENTICATE <mechanism> | AUTHENTICATE <base64 authzid> | AUTHENTICATE + | AUTHENTICATE *
    ///
    /// SASL EXTERNAL: the TLS client certificate is the credential, so the exchange
    /// only confirms which account the client means. An empty authzid (`+`) or the
    /// account itself succeeds; any other name fails, since one certificate maps to one
    /// account. Needs the `sasl` capability.
    mutating func authenticate(_ command: HubCommandContext, into replies: inout HubResponseBuffer) {
        guard var client = sessions[command.session] else { return }
        let argument = command.params[0]
        guard client.capabilities.contains(.sasl) else {
            replies.numeric(.ERR_SASLFAIL, "SASL authentication failed")
            return
        }
        if client.sasl == .authenticated {
            replies.numeric(.ERR_SASLALREADY, "You have already authenticated using SASL")
            return
        }
        if argument == "*" {
            client.sasl = .idle
            sessions[command.session] = client
            replies.numeric(.ERR_SASLABORTED, "SASL authentication aborted")
            return
        }
        switch client.sasl {
        case .idle:
            guard argument.uppercased() == "EXTERNAL" else {
                replies.numeric(.RPL_SASLMECHS, "EXTERNAL", "are available SASL mechanisms")
                replies.numeric(.ERR_SASLFAIL, "SASL authentication failed")
                return
            }
            client.sasl = .awaitingResponse
            sessions[command.session] = client
            replies.reply(IRCMessage(source: server, command: "AUTHENTICATE", params: ["+"]))
        case .awaitingResponse:
            let account = client.account
            guard let authzid = Self.decodeAuthzid(argument),
                authzid.isEmpty || IRCCaseMapping.equals(authzid, account)
            else {
                client.sasl = .idle
                sessions[command.session] = client
                replies.numeric(.ERR_SASLFAIL, "SASL authentication failed")
                return
            }
            client.sasl = .authenticated
            sessions[command.session] = client
            replies.numeric(
                .RPL_LOGGEDIN, client.source.rawValue, account, "You are now logged in as \(account)"
            )
            replies.numeric(.RPL_SASLSUCCESS, "SASL authentication successful")
        case .authenticated:
            break
        }
    }

    /// The authzid of an EXTERNAL response: empty for `+`, else the base64-decoded
    /// UTF-8 text; `nil` when the response is not valid base64 or UTF-8.
    static func decodeAuthzid(_ response: String) -> String? {
        guard response != "+" else { return "" }
        guard let data = Data(base64Encoded: response) else { return nil }
        return String(data: data, encoding: .utf8)
    }
}
