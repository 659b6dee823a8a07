import Dispatch
import Foundation
import Logging

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// `moderation.jsonl` in the logs directory: one JSON object per line, appended on a queue
/// of its own so that the hub's loop never waits on the disk.
///
/// The file is created mode 0640 (and made so if it existed), in a directory created mode
/// 0750 when missing. Each line is one `write` to the file opened with `O_APPEND` for it
/// (audit lines are rare), so a log rotator may rename or truncate the file at any time:
/// the next line goes to the file under its name.
public final class ModerationAuditLog: Sendable {
    /// The file's full path.
    public let path: String
    private let queue = DispatchQueue(label: "securechat.moderation-audit")
    private let logger: Logger

    /// Opens (creating) the log in `directory`, to check at start that it can be written.
    ///
    /// - Throws: ``ConfigurationError`` naming the directory and the fix.
    public init(directory: String, logger: Logger) throws(ConfigurationError) {
        self.path = (directory as NSString).appendingPathComponent("moderation.jsonl")
        self.logger = logger
        do {
            try FileManager.default.createDirectory(
                atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o750])
        } catch {
            throw ConfigurationError(
                .fileUnreadable,
                "the logs directory \(directory) cannot be created: \(error.localizedDescription); "
                    + "create it writable by the server's user, or set logs_dir (--logs-dir)")
        }
        let descriptor = Self.openForAppending(self.path)
        guard descriptor >= 0 else {
            throw ConfigurationError(
                .fileUnreadable,
                "\(self.path): cannot open for appending: \(String(cString: strerror(errno))); "
                    + "make the logs directory writable by the server's user, or set logs_dir (--logs-dir)")
        }
        close(descriptor)
    }

    /// Appends `event` as one line, later, off the caller's thread. A failed write is logged.
    public func append(_ event: ModerationAuditEvent) {
        let line = event.jsonLine + "\n"
        self.queue.async { [path = self.path, logger = self.logger] in
            let descriptor = Self.openForAppending(path)
            guard descriptor >= 0 else {
                logger.error("moderation audit log \(path): cannot open: \(String(cString: strerror(errno)))")
                return
            }
            defer { close(descriptor) }
            let written = line.utf8CString.withUnsafeBufferPointer { buffer in
                write(descriptor, buffer.baseAddress, buffer.count - 1)
            }
            if written != line.utf8.count {
                logger.error("moderation audit log \(path): write failed: \(String(cString: strerror(errno)))")
            }
        }
    }

    /// Waits until every line appended so far is written (tests, shutdown).
    public func drain() {
        self.queue.sync {}
    }

    private static func openForAppending(_ path: String) -> Int32 {
        let descriptor = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o640)
        if descriptor >= 0 { fchmod(descriptor, 0o640) }
        return descriptor
    }
}
