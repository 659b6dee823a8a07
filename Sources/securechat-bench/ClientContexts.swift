import Foundation
import TLS

/// Client TLS contexts, one per certificate file, made on first use and then shared.
///
/// With a folder of NICK.pem certificates each nick has its own context; with one
/// certificate file every nick shares one.
final class ClientContexts: @unchecked Sendable {
    private let options: BenchOptions
    private let sharedCertificate: Bool
    private let lock = NSLock()
    private var contexts: [String: TLSContext] = [:]

    init(options: BenchOptions) {
        self.options = options
        var isFolder: ObjCBool = false
        let exists = FileManager.default.fileExists(atPath: options.cert, isDirectory: &isFolder)
        self.sharedCertificate = !(exists && isFolder.boolValue)
    }

    /// The context presenting `nick`'s certificate. Throws when the files are unusable.
    func context(for nick: String) throws -> TLSContext {
        let key = self.sharedCertificate ? "" : nick
        if let context = self.lock.withLock({ self.contexts[key] }) { return context }
        let context = try TLSContext(client: try self.options.clientConfiguration(nick: nick))
        return self.lock.withLock {
            if let existing = self.contexts[key] { return existing }
            self.contexts[key] = context
            return context
        }
    }
}
