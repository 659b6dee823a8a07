import Foundation
import NIOConcurrencyHelpers
import TLS

/// Client TLS contexts, one per certificate file, made on first use and then shared.
///
/// With a folder of NICK.pem certificates each nick has its own context; with one
/// certificate file every nick shares one.
final class ClientContexts: Sendable {
    private let options: BenchOptions
    private let sharedCertificate: Bool
    private let contexts = NIOLockedValueBox<[String: TLSContext]>([:])

    init(options: BenchOptions) {
        self.options = options
        var isFolder: ObjCBool = false
        let exists = FileManager.default.fileExists(atPath: options.cert, isDirectory: &isFolder)
        self.sharedCertificate = !(exists && isFolder.boolValue)
    }

    /// The context presenting `nick`'s certificate. Throws when the files are unusable.
    func context(for nick: String) throws -> TLSContext {
        let key = self.sharedCertificate ? "" : nick
        if let context = self.contexts.withLockedValue({ $0[key] }) { return context }
        let context = try TLSContext(client: try self.options.clientConfiguration(nick: nick))
        return self.contexts.withLockedValue { contexts in
            if let existing = contexts[key] { return existing }
            contexts[key] = context
            return context
        }
    }
}
