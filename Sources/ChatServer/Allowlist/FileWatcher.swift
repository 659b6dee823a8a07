import NIOCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Tells when a file changes on disk, by polling `stat` on an event loop.
///
/// Polling, rather than inotify or kqueue, sees every way a file is replaced: written in
/// place, replaced by rename (as editors and `mv` do, which a watch on the old inode
/// would miss), deleted and later recreated. A change is any difference in device, inode,
/// size or modification time (to the nanosecond). One callback is made per poll that sees
/// a difference, however many writes happened in between.
///
/// A missing file is reported once as ``Change/removed`` and then watched until it
/// reappears, which is reported as ``Change/modified``. Errors other than a missing file
/// (permissions) count as missing: the file cannot be read either way.
///
/// `start()` and `stop()` may be called from any thread; the callback always runs on
/// `eventLoop`, never after `stop()` has run there.
public final class FileWatcher: Sendable {
    /// What a poll saw.
    public enum Change: Hashable, Sendable {
        /// The file was written, replaced, or has reappeared: read it again.
        case modified
        /// The file is gone (or can no longer be examined).
        case removed
    }

    /// The watched path, as given.
    public let path: String
    /// The time between two polls.
    public let interval: TimeAmount
    public let eventLoop: any EventLoop

    private let onChange: @Sendable (Change) -> Void
    private let state: NIOLoopBoundBox<State>

    private struct State {
        var task: RepeatedTask?
        var snapshot: FileSnapshot?
    }

    /// A watcher, not yet polling; `onChange` is called on `eventLoop`.
    public init(
        path: String,
        interval: TimeAmount = .milliseconds(250),
        eventLoop: any EventLoop,
        onChange: @escaping @Sendable (Change) -> Void
    ) {
        precondition(interval > .zero, "a polling interval must be positive")
        self.path = path
        self.interval = interval
        self.eventLoop = eventLoop
        self.onChange = onChange
        self.state = .makeBoxSendingValue(State(), eventLoop: eventLoop)
    }

    /// Starts polling. The file as it is now is the baseline, so only later changes are
    /// reported. Does nothing if already started.
    public func start() {
        let baseline = FileSnapshot(path: self.path)
        self.onLoop { watcher in
            guard watcher.state.value.task == nil else { return }
            watcher.state.value.snapshot = baseline
            watcher.state.value.task = watcher.eventLoop.scheduleRepeatedTask(
                initialDelay: watcher.interval, delay: watcher.interval
            ) { _ in
                watcher.poll()
            }
        }
    }

    /// Stops polling; no callback runs after this has taken effect on the loop. May be
    /// started again, with a new baseline.
    public func stop() {
        self.onLoop { watcher in
            watcher.state.value.task?.cancel()
            watcher.state.value.task = nil
        }
    }

    /// Compares the file with the last snapshot and reports a difference.
    private func poll() {
        guard self.state.value.task != nil else { return }
        let current = FileSnapshot(path: self.path)
        guard current != self.state.value.snapshot else { return }
        self.state.value.snapshot = current
        self.onChange(current == nil ? .removed : .modified)
    }

    /// Runs `body` on the loop: at once when already there, so that `start()` on the loop
    /// takes effect before it returns.
    private func onLoop(_ body: @escaping @Sendable (FileWatcher) -> Void) {
        if self.eventLoop.inEventLoop {
            body(self)
        } else {
            self.eventLoop.execute { body(self) }
        }
    }
}

/// The facts of a file that change when it is written or replaced.
struct FileSnapshot: Hashable, Sendable {
    let device: UInt64
    let inode: UInt64
    let size: Int64
    let modifiedSeconds: Int64
    let modifiedNanoseconds: Int64

    /// The file at `path` now, or nil when it cannot be examined (usually: it is missing).
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
}
