/// Decides when a watched file has settled and may be read, so that its reader never acts
/// on a file caught between a truncation and the write that follows it.
///
/// `>`, `tee` and editors saving in place truncate the file, then write it; a reload in
/// between saw an empty allowlist and closed every session. The watcher turns what it
/// observes into ``Event``s and carries out the ``Action`` returned; this value holds no
/// I/O and no clock, so every rule is tested without files or timers:
///
/// - A sign that a write ended (close-write, rename, deletion, new attributes; in polling,
///   any difference) (re)starts the settle timer.
/// - A sign of a write under way (bytes written, the file truncated or created) restarts a
///   timer already running and starts none: its end is reported in turn.
/// - When the timer fires the file is read. It is delivered if it is the file of the last
///   event, unchanged while it was read, and not empty.
/// - An empty file is delivered only once a second settle has passed with no event and the
///   same empty file: a truncation followed by a write never gets there, an allowlist
///   emptied on purpose (how an operator locks everyone out) does.
/// - A missing or unreadable file is delivered as ``FileWatcher/Change/removed``, once
///   until a file is delivered again.
struct FileSettler: Sendable {
    enum Event: Hashable, Sendable {
        /// A write ended, or the file was replaced, removed or given new attributes;
        /// `snapshot` is the file now (nil: missing).
        case changed(FileSnapshot?)
        /// A write is under way; `snapshot` is the file now.
        case writing(FileSnapshot?)
        /// The settle timer fired and the file was read.
        case settled(FileReading)
    }

    enum Action: Hashable, Sendable {
        case none
        /// Start the settle timer, replacing the one running, if any.
        case startTimer
        /// The file was found empty: start a longer timer (``FileWatcher/emptySettle``)
        /// before it is believed; a writer that truncated first has that long to write.
        case confirmEmpty
        /// Report this to the watcher's owner.
        case deliver(FileWatcher.Change)
    }

    /// Whether the timer runs: something happened that has not been delivered yet.
    private(set) var isSettling = false
    /// The file as the last event or read left it.
    private var snapshot: FileSnapshot?
    /// The last read found this same snapshot empty; a second such read delivers it.
    private var sawEmpty = false
    /// `.removed` was the last delivery.
    private var reportedRemoved = false

    mutating func event(_ event: Event) -> Action {
        switch event {
        case .changed(let now):
            self.isSettling = true
            return self.restart(at: now)
        case .writing(let now):
            guard self.isSettling else { return .none }
            return self.restart(at: now)
        case .settled(let reading):
            guard self.isSettling else { return .none }
            return self.settled(reading)
        }
    }

    private mutating func restart(at now: FileSnapshot?) -> Action {
        self.snapshot = now
        self.sawEmpty = false
        return .startTimer
    }

    private mutating func settled(_ reading: FileReading) -> Action {
        if case .unstable = reading {
            // Written while it was read: let it settle again from how it is now.
            return self.restart(at: reading.snapshot)
        }
        if reading.snapshot != self.snapshot {
            // Written since the last event (polling sees no write end): settle again.
            return self.restart(at: reading.snapshot)
        }
        switch reading {
        case .unstable:
            preconditionFailure("an unstable reading restarts the settle above")
        case .missing, .unreadable:
            self.isSettling = false
            guard !self.reportedRemoved else { return .none }
            self.reportedRemoved = true
            return .deliver(.removed)
        case .file(_, let contents):
            if contents.isEmpty && !self.sawEmpty {
                self.sawEmpty = true
                return .confirmEmpty
            }
            self.isSettling = false
            self.sawEmpty = false
            self.reportedRemoved = false
            return .deliver(.modified(contents: contents))
        }
    }
}
