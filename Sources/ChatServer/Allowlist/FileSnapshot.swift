#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The facts of a file that change when it is written or replaced.
struct FileSnapshot: Hashable, Sendable {
    let device: UInt64
    let inode: UInt64
    let size: Int64
    let modifiedSeconds: Int64
    let modifiedNanoseconds: Int64

    /// The file at `path` now (through symbolic links), or nil when it cannot be examined
    /// (usually: it is missing).
    init?(path: String) {
        var status = stat()
        guard stat(path, &status) == 0 else { return nil }
        self.device = UInt64(truncatingIfNeeded: status.st_dev)
        self.inode = UInt64(truncatingIfNeeded: status.st_ino)
        self.size = Int64(status.st_size)
        #if canImport(Darwin)
        self.modifiedSeconds = Int64(status.st_mtimespec.tv_sec)
        self.modifiedNanoseconds = Int64(status.st_mtimespec.tv_nsec)
        #else
        self.modifiedSeconds = Int64(status.st_mtim.tv_sec)
        self.modifiedNanoseconds = Int64(status.st_mtim.tv_nsec)
        #endif
    }

    /// Whether `path` itself is a symbolic link (not followed).
    static func isSymbolicLink(_ path: String) -> Bool {
        var status = stat()
        return lstat(path, &status) == 0 && (status.st_mode & S_IFMT) == S_IFLNK
    }
}

/// One attempt to read a watched file whole.
enum FileReading: Hashable, Sendable {
    /// There is no file at the path.
    case missing
    /// The file is there but cannot be read (permissions, a folder, too large).
    case unreadable(FileSnapshot)
    /// The file changed while it was being read: what was read may be half old, half new;
    /// `after` is the file once the read ended.
    case unstable(after: FileSnapshot?)
    /// The file, unchanged from before the read to after it.
    case file(FileSnapshot, contents: [UInt8])

    /// Reads the file at `path`, checking that its snapshot is the same before and after
    /// and that as many bytes were read as it holds.
    static func read(path: String) -> FileReading {
        guard let before = FileSnapshot(path: path) else { return .missing }
        let contents: [UInt8]
        do {
            contents = try FileContents.bytes(atPath: path)
        } catch {
            let after = FileSnapshot(path: path)
            return after == before ? .unreadable(before) : .unstable(after: after)
        }
        let after = FileSnapshot(path: path)
        guard after == before, Int64(contents.count) == before.size else { return .unstable(after: after) }
        return .file(before, contents: contents)
    }

    /// The file's snapshot as the reading left it, nil when it is missing.
    var snapshot: FileSnapshot? {
        switch self {
        case .missing: nil
        case .unstable(let after): after
        case .unreadable(let snapshot), .file(let snapshot, _): snapshot
        }
    }
}
