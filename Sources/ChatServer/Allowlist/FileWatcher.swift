import NIOCore
import NIOPosix

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Tells when a file has been rewritten on disk, and what it holds once the write is
/// complete.
///
/// On Linux it is told by inotify on the file's folder, filtered by name: a write ends
/// with `IN_CLOSE_WRITE`, a replacement with `IN_MOVED_TO` (`mv`, editors that write a
/// temporary file and rename it), a removal with `IN_DELETE` or `IN_MOVED_FROM`. Where
/// inotify is missing (`inotify_init1` fails, another system, a loop that cannot watch a
/// descriptor such as `EmbeddedEventLoop`), for a path that is a symbolic link, and with
/// ``Source/polling``, it compares `stat` every `interval` instead.
///
/// Either way a change is read only after `settle` has passed with no further event
/// (``FileSettler`` holds the rules): a file still being written is never delivered, nor
/// an empty file unless it stays empty through a second settle. `>` truncates before it
/// writes; a reader in between would see an empty file.
///
/// A missing or unreadable file is reported once as ``Change/removed``, and a file that
/// appears (again) as ``Change/modified(contents:)``.
///
/// `start()` and `stop()` may be called from any thread; the callback always runs on
/// `eventLoop`, never after `stop()` has run there. The file is read on `eventLoop`: it is
/// meant for small configuration files.
public final class FileWatcher: Sendable {
    /// What changed.
    public enum Change: Hashable, Sendable {
        /// The file was written, replaced, or has reappeared, and has settled; `contents`
        /// is what it held once the writes were complete. Use these bytes rather than
        /// reading the file again, which a new write may have truncated meanwhile.
        case modified(contents: [UInt8])
        /// The file is gone (or can no longer be read).
        case removed

        /// The contents of a `.modified` change; nil for `.removed`.
        public var contents: [UInt8]? {
            guard case .modified(let contents) = self else { return nil }
            return contents
        }
    }

    /// How changes are noticed.
    public enum Source: Hashable, Sendable {
        /// inotify where the system and the loop have it and the path is not a symbolic
        /// link; polling otherwise.
        case automatic
        /// `stat` every `interval`: for file systems whose changes inotify does not see
        /// (NFS written from another machine), and for tests.
        case polling
    }

    /// How a running watcher notices changes.
    enum Mode: Hashable, Sendable {
        case inotify
        case polling
    }

    /// The watched path, as given.
    public let path: String
    /// The time between two polls, when polling.
    public let interval: TimeAmount
    /// How long the file must be left alone before it is read.
    public let settle: TimeAmount
    /// How long a file found empty must stay empty before it is believed: ten settles,
    /// so that a writer that truncated and was then descheduled (a loaded machine) has
    /// time to write. An allowlist emptied on purpose takes effect that much later.
    public var emptySettle: TimeAmount { self.settle * 10 }
    public let source: Source
    public let eventLoop: any EventLoop

    private let onChange: @Sendable (Change) -> Void
    private let state: NIOLoopBoundBox<State>

    private struct State {
        /// Counts starts; timers and events of an earlier start are ignored.
        var generation = 0
        /// nil while stopped.
        var mode: Mode?
        var settler = FileSettler()
        var settleTimer: Scheduled<Void>?
        /// Counts settle timers; only the latest one may fire.
        var timerID = 0
        var pollTask: RepeatedTask?
        /// The file at the last poll (or at `start()`).
        var polled: FileSnapshot?
        var inotify: (any Channel)?
    }

    /// A watcher, not yet started; `onChange` is called on `eventLoop`.
    public init(
        path: String,
        interval: TimeAmount = .milliseconds(250),
        settle: TimeAmount = .milliseconds(100),
        source: Source = .automatic,
        eventLoop: any EventLoop,
        onChange: @escaping @Sendable (Change) -> Void
    ) {
        precondition(interval > .zero, "a polling interval must be positive")
        precondition(settle > .zero, "a settle time must be positive")
        self.path = path
        self.interval = interval
        self.settle = settle
        self.source = source
        self.eventLoop = eventLoop
        self.onChange = onChange
        self.state = .makeBoxSendingValue(State(), eventLoop: eventLoop)
    }

    /// Starts watching. Only changes after this call are reported: the inotify watch is
    /// placed, and the polling baseline taken, before it returns. Does nothing if already
    /// started.
    public func start() {
        let baseline = FileSnapshot(path: self.path)
        let descriptor = self.source == .automatic ? Self.inotifyDescriptor(for: self.path) : nil
        self.onLoop { watcher in
            guard watcher.state.value.mode == nil else {
                if let descriptor { close(descriptor) }
                return
            }
            watcher.state.value.generation += 1
            watcher.state.value.settler = FileSettler()
            watcher.state.value.polled = baseline
            if let descriptor, watcher.watch(descriptor) { return }
            watcher.startPolling()
        }
    }

    /// Stops watching; no callback runs after this has taken effect on the loop. May be
    /// started again, with a new baseline.
    public func stop() {
        self.onLoop { watcher in
            watcher.state.value.mode = nil
            watcher.state.value.pollTask?.cancel()
            watcher.state.value.pollTask = nil
            watcher.state.value.settleTimer?.cancel()
            watcher.state.value.settleTimer = nil
            watcher.state.value.inotify?.close(promise: nil)
            watcher.state.value.inotify = nil
        }
    }

    /// How the watcher notices changes now, nil when stopped; read it on `eventLoop`. For
    /// tests and diagnostics.
    var mode: Mode? { self.state.value.mode }

    // MARK: inotify

    private static func inotifyDescriptor(for path: String) -> CInt? {
        #if canImport(Glibc)
        Inotify.watchFolder(of: path)
        #else
        nil
        #endif
    }

    /// Reads `descriptor` through a pipe channel on the watcher's own loop, so events
    /// arrive where the callback must run, with no thread of their own. False, with the
    /// descriptor closed, when the loop cannot watch descriptors.
    private func watch(_ descriptor: CInt) -> Bool {
        #if canImport(Glibc)
        guard let bootstrap = NIOPipeBootstrap(validatingGroup: self.eventLoop),
            let name = Inotify.split(self.path)?.name
        else {
            close(descriptor)
            return false
        }
        self.state.value.mode = .inotify
        let generation = self.state.value.generation
        bootstrap
            .channelOption(.recvAllocator, value: FixedSizeRecvByteBufferAllocator(capacity: Inotify.readSize))
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let handler = Inotify.Handler(name: name) { signal in self.inotify(signal, generation: generation) }
                    try channel.pipeline.syncOperations.addHandler(handler)
                }
            }
            .takingOwnershipOfDescriptor(input: descriptor)
            .whenComplete { result in
                // A failed bootstrap may or may not have closed the descriptor; it is left
                // open rather than risk closing a number another thread has reused.
                self.inotifyOpened(result, generation: generation)
            }
        return true
        #else
        close(descriptor)
        return false
        #endif
    }

    private func inotifyOpened(_ result: Result<any Channel, any Error>, generation: Int) {
        let current = self.state.value.mode == .inotify && self.state.value.generation == generation
        switch result {
        case .success(let channel):
            guard current else {
                channel.close(promise: nil)
                return
            }
            self.state.value.inotify = channel
        case .failure:
            guard current else { return }
            self.startPolling()
        }
    }

    #if canImport(Glibc)
    private func inotify(_ signal: Inotify.Signal, generation: Int) {
        guard self.state.value.mode == .inotify, self.state.value.generation == generation else { return }
        switch signal {
        case .changed:
            self.feed(.changed(FileSnapshot(path: self.path)))
        case .writing:
            self.feed(.writing(FileSnapshot(path: self.path)))
        case .lost:
            // The folder went away or the descriptor failed: poll from here on, against
            // the baseline of `start()`, so that what happened meanwhile is seen.
            self.state.value.inotify?.close(promise: nil)
            self.state.value.inotify = nil
            self.startPolling()
        }
    }
    #endif

    // MARK: polling

    private func startPolling() {
        self.state.value.mode = .polling
        let generation = self.state.value.generation
        self.state.value.pollTask = self.eventLoop.scheduleRepeatedTask(
            initialDelay: self.interval, delay: self.interval
        ) { _ in
            self.poll(generation: generation)
        }
    }

    private func poll(generation: Int) {
        guard self.state.value.mode == .polling, self.state.value.generation == generation else { return }
        let current = FileSnapshot(path: self.path)
        guard current != self.state.value.polled else { return }
        self.state.value.polled = current
        self.feed(.changed(current))
    }

    // MARK: settling

    /// Hands `event` to the settler and carries out its action.
    private func feed(_ event: FileSettler.Event) {
        switch self.state.value.settler.event(event) {
        case .none:
            return
        case .startTimer:
            self.startSettleTimer(self.settle)
        case .confirmEmpty:
            self.startSettleTimer(self.emptySettle)
        case .deliver(let change):
            self.onChange(change)
        }
    }

    private func startSettleTimer(_ delay: TimeAmount) {
        self.state.value.settleTimer?.cancel()
        self.state.value.timerID += 1
        let (generation, timer) = (self.state.value.generation, self.state.value.timerID)
        self.state.value.settleTimer = self.eventLoop.scheduleTask(in: delay) {
            self.settled(generation: generation, timer: timer)
        }
    }

    private func settled(generation: Int, timer: Int) {
        guard self.state.value.mode != nil, self.state.value.generation == generation,
            self.state.value.timerID == timer
        else { return }
        self.state.value.settleTimer = nil
        self.feed(.settled(FileReading.read(path: self.path)))
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
