import Foundation

/// Writing files that only their owner may read: configuration and known_servers.
enum PrivateFile {
    /// Writes `text` to `path` atomically (a temporary file renamed over it), creating
    /// missing folders with mode 0700; the file gets mode 0600.
    static func write(_ text: String, toPath path: String, code: ChatClientError.Code) throws(ChatClientError) {
        let directory = (path as NSString).deletingLastPathComponent
        do {
            if !directory.isEmpty {
                try FileManager.default.createDirectory(
                    atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            }
            let temporary = path + ".new"
            guard FileManager.default.createFile(
                atPath: temporary, contents: Data(text.utf8), attributes: [.posixPermissions: 0o600])
            else {
                throw CocoaError(.fileWriteNoPermission)
            }
            guard rename(temporary, path) == 0 else {
                throw CocoaError(.fileWriteUnknown)
            }
        } catch {
            throw ChatClientError(code, "\(path): cannot write (\(error.localizedDescription)); check the folder's permissions")
        }
    }
}
