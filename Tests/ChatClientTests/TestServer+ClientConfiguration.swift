import ChatClient
import Foundation
import TLS
import TestSupport

extension TestServer {
    /// A client configuration for `nick`, pinned to this server's key unless `pinned` is false.
    func clientConfiguration(_ nick: String, pinned: Bool = true) throws -> ClientConfiguration {
        let identity = try self.pki.client(nick)
        var configuration = ClientConfiguration()
        configuration.host = "127.0.0.1"
        configuration.port = self.port
        configuration.certificatePath = identity.certificatePath.path(percentEncoded: false)
        configuration.privateKeyPath = identity.keyPath.path(percentEncoded: false)
        configuration.nick = nick
        configuration.knownServersPath = self.pki.directory.appending(path: "known_servers-\(nick)").path(percentEncoded: false)
        if pinned { configuration.pins = [try self.pki.server.info().publicKeyFingerprint] }
        return configuration
    }
}
