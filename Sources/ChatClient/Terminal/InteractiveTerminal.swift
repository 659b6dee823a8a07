#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import NIOConcurrencyHelpers

/// The client's terminal: the conversation above, an editable input line below.
///
/// ```swift
/// let terminal = InteractiveTerminal()
/// terminal.setPrompt("#lobby> ")
/// try terminal.run(onLine: { line in client.send(line) }, onEnd: { client.quit() })
/// terminal.show("<alice> hello")   // from any thread
/// ```
///
/// When standard input and output are both terminals, ``run(onLine:onEnd:)`` puts the
/// terminal in raw mode and edits the line itself (arrows, Home/End, Ctrl-A/E/W/K/U, history
/// with Up/Down, bracketed paste). Otherwise it reads plain lines and writes no escape codes,
/// so scripts and tests can pipe input through.
///
/// Callbacks run on the terminal's reader thread, one at a time, in input order; empty lines
/// are not delivered. Text passed to ``show(_:)`` and ``setPrompt(_:)`` has its control
/// characters made visible, so nothing received from the network can drive the terminal.
public final class InteractiveTerminal: Sendable {
    private let inputFD: Int32
    private let outputFD: Int32
    private let state = NIOLockedValueBox(State())

    private struct State {
        /// Counts calls to `run`; a reader thread whose session is not current exits.
        var session = 0
        var running = false
        var interactive = false
        var editor = LineEditor()
        var screen = TerminalScreen()
        var wakeRead: Int32 = -1
        var wakeWrite: Int32 = -1
    }

    /// A terminal on standard input and standard output.
    public convenience init() {
        self.init(inputFD: STDIN_FILENO, outputFD: STDOUT_FILENO)
    }

    /// A terminal on other descriptors; tests use a pseudo-terminal.
    init(inputFD: Int32, outputFD: Int32) {
        self.inputFD = inputFD
        self.outputFD = outputFD
    }

    /// Enters raw mode (when stdin is a TTY) and reads keys on its own thread; calls onLine for each entered line, onEnd on Ctrl-D on an empty line (or EOF).
    ///
    /// Returns once the reader thread is started. `onEnd` is called at most once, after which
    /// the terminal is already restored. Throws ``TerminalError`` when raw mode or the
    /// reader thread cannot be set up, or when already running.
    public func run(onLine: @escaping @Sendable (String) -> Void, onEnd: @escaping @Sendable () -> Void) throws {
        let interactive = isatty(self.inputFD) == 1 && isatty(self.outputFD) == 1
        let session = try self.state.withLockedValue { state -> Int in
            guard !state.running else {
                throw TerminalError(.alreadyRunning, "The terminal is already running; call stop() first.")
            }
            var fds: [Int32] = [-1, -1]
            guard pipe(&fds) == 0 else {
                throw TerminalError(.resources, "Cannot create the terminal's wake-up pipe: \(SystemCalls.errorDescription).")
            }
            _ = fcntl(fds[1], F_SETFL, fcntl(fds[1], F_GETFL) | O_NONBLOCK)
            if interactive {
                do {
                    try RawMode.enter(fd: self.inputFD, wakeFD: fds[1])
                } catch {
                    close(fds[0])
                    close(fds[1])
                    throw error
                }
                state.screen.width = SystemCalls.terminalWidth(self.outputFD) ?? 80
                SystemCalls.writeAll(self.outputFD, state.screen.inputLine(state.editor))
            }
            state.session += 1
            state.running = true
            state.interactive = interactive
            state.wakeRead = fds[0]
            state.wakeWrite = fds[1]
            return state.session
        }
        let reader = Reader(terminal: self, session: session, onLine: onLine, onEnd: onEnd)
        do {
            try SystemCalls.startThread { reader.run(interactive: interactive) }
        } catch {
            self.stop()
            throw error
        }
    }

    /// Prints a line above the input line without garbling what the user is typing. Thread-safe.
    ///
    /// A message with several lines (separated by LF) prints them all. On a terminal each
    /// wraps at word boundaries, its further rows (and the message's further lines) `indent`
    /// columns in, under the message text (``EventFormatter/indent(for:)``).
    public func show(_ line: String, indent: Int = 0) {
        self.state.withLockedValue { state in
            if state.running && state.interactive {
                SystemCalls.writeAll(self.outputFD, state.screen.show(line, indent: indent, editing: state.editor))
            } else {
                var bytes: [UInt8] = []
                for piece in line.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline) {
                    bytes += Array(TerminalScreen.printable(String(piece)).utf8) + [0x0A]
                }
                SystemCalls.writeAll(self.outputFD, bytes)
            }
        }
    }

    /// Sets the text shown before the input, e.g. "#lobby> ", and redraws the input line.
    public func setPrompt(_ text: String) {
        self.state.withLockedValue { state in
            state.screen.prompt = text
            if state.running && state.interactive {
                SystemCalls.writeAll(self.outputFD, state.screen.inputLine(state.editor))
            }
        }
    }

    /// Restores the terminal and stops reading; no callback runs after this returns. Safe to
    /// call more than once and from inside a callback.
    public func stop() {
        self.state.withLockedValue { state in self.stopLocked(&state) }
    }

    private func stopLocked(_ state: inout State) {
        guard state.running else { return }
        state.running = false
        if state.interactive {
            SystemCalls.writeAll(self.outputFD, state.screen.clearInputLine())
            RawMode.leave()
        }
        // Wake the reader; the byte outlives the write end, and the reader closes its end.
        SystemCalls.writeAll(state.wakeWrite, [UInt8(ascii: "s")])
        close(state.wakeWrite)
        state.wakeRead = -1
        state.wakeWrite = -1
    }

    // MARK: - Called by the reader thread

    /// The reader's wake-up pipe, or nil when its session is over.
    fileprivate func wakeDescriptor(session: Int) -> Int32? {
        self.state.withLockedValue { state in
            state.session == session && state.running ? state.wakeRead : nil
        }
    }

    /// Applies keys to the editor and draws the result; returns the lines entered and whether
    /// the user asked to leave (in which case the terminal is already restored).
    fileprivate func handle(_ keys: [TerminalKey], session: Int) -> (lines: [String], ended: Bool) {
        self.state.withLockedValue { state in
            guard state.session == session, state.running else { return ([], false) }
            var output: [UInt8] = []
            var lines: [String] = []
            for key in keys {
                switch state.editor.apply(key) {
                case .none:
                    break
                case .redraw:
                    output += state.screen.inputLine(state.editor)
                case .clearScreen:
                    output += state.screen.clearScreen(editing: state.editor)
                case .submit(let line):
                    output += state.screen.inputLine(state.editor)
                    lines.append(line)
                case .end:
                    SystemCalls.writeAll(self.outputFD, output)
                    self.stopLocked(&state)
                    return (lines, true)
                }
            }
            SystemCalls.writeAll(self.outputFD, output)
            return (lines, false)
        }
    }

    /// Plain lines, or the end of input; ends the session on EOF.
    fileprivate func accept(plainLines: [String], end: Bool, session: Int) -> (lines: [String], ended: Bool) {
        self.state.withLockedValue { state in
            guard state.session == session, state.running else { return ([], false) }
            if end { self.stopLocked(&state) }
            return (plainLines.filter { !$0.isEmpty }, end)
        }
    }

    /// After SIGWINCH: read the new width and draw the input line for it.
    fileprivate func resized(session: Int) {
        self.state.withLockedValue { state in
            guard state.session == session, state.running, state.interactive else { return }
            state.screen.width = SystemCalls.terminalWidth(self.outputFD) ?? state.screen.width
            SystemCalls.writeAll(self.outputFD, state.screen.redraw(editing: state.editor))
        }
    }

    fileprivate var input: Int32 { self.inputFD }
}

/// The loop on the reader thread: wait for input or a wake-up, decode, hand over.
private struct Reader: Sendable {
    let terminal: InteractiveTerminal
    let session: Int
    let onLine: @Sendable (String) -> Void
    let onEnd: @Sendable () -> Void

    /// How long a lone ESC waits for the rest of its sequence.
    static let escapeTimeoutMilliseconds: Int32 = 50
    /// How long a bracketed paste may pause before what arrived is taken as the whole paste.
    static let pasteTimeoutMilliseconds: Int32 = 2000

    func run(interactive: Bool) {
        guard let wake = self.terminal.wakeDescriptor(session: self.session) else { return }
        defer { close(wake) }
        var decoder = KeyDecoder()
        var splitter = LineSplitter()
        while true {
            let timeout: Int32 =
                decoder.isInPaste ? Self.pasteTimeoutMilliseconds
                : decoder.isAwaitingMore ? Self.escapeTimeoutMilliseconds : -1
            var fds = [
                pollfd(fd: self.terminal.input, events: Int16(POLLIN), revents: 0),
                pollfd(fd: wake, events: Int16(POLLIN), revents: 0),
            ]
            let ready = poll(&fds, nfds_t(fds.count), timeout)
            if ready < 0 {
                if errno == EINTR { continue }
                self.deliver(self.terminal.accept(plainLines: [], end: true, session: self.session))
                return
            }
            if ready == 0 {
                guard self.deliver(self.terminal.handle(decoder.flush(), session: self.session)) else { return }
                continue
            }
            if fds[1].revents != 0 {
                guard let bytes = SystemCalls.readChunk(wake, capacity: 64), !bytes.contains(UInt8(ascii: "s")) else {
                    return
                }
                self.terminal.resized(session: self.session)
            }
            guard fds[0].revents != 0 else { continue }
            guard let bytes = SystemCalls.readChunk(self.terminal.input) else {
                // End of input: a piped last line without a newline still counts.
                // A half-typed line at a terminal is dropped, as a shell drops it.
                let last = interactive ? [] : splitter.finish().map { [$0] } ?? []
                self.deliver(self.terminal.accept(plainLines: last, end: true, session: self.session))
                return
            }
            let outcome =
                interactive
                ? self.terminal.handle(decoder.decode(bytes), session: self.session)
                : self.terminal.accept(plainLines: splitter.append(bytes), end: false, session: self.session)
            guard self.deliver(outcome) else { return }
        }
    }

    /// Runs the callbacks for an outcome, outside the lock; false when the session ended.
    @discardableResult
    private func deliver(_ outcome: (lines: [String], ended: Bool)) -> Bool {
        for line in outcome.lines { self.onLine(line) }
        if outcome.ended { self.onEnd() }
        return !outcome.ended && self.terminal.wakeDescriptor(session: self.session) != nil
    }
}
