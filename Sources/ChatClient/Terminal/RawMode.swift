#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Raw mode for the terminal, and putting it back however the process ends.
///
/// Raw mode is `cfmakeraw` with two differences: output processing stays on, so a stray
/// `print` elsewhere in the process still starts its line at column 0; and ISIG is off, so
/// Ctrl-C and Ctrl-Z arrive as keys instead of signals. Bracketed paste is switched on with it.
///
/// The original settings are kept where a signal handler can reach them. SIGINT and SIGTERM
/// (sent by `kill`, since the keyboard no longer sends them) restore the terminal, then the
/// handler that was there before runs (the default one ends the process). An `atexit` hook
/// restores it when the process exits while still in raw mode. SIGWINCH writes one byte to
/// the reader's wake-up pipe, where the reader picks up the new width.
enum RawMode {
    /// `settings` turned raw, as described above. Pure, for tests.
    static func rawSettings(from settings: termios) -> termios {
        var raw = settings
        raw.c_iflag &= ~tcflag_t(IGNBRK | BRKINT | PARMRK | ISTRIP | INLCR | IGNCR | ICRNL | IXON)
        raw.c_lflag &= ~tcflag_t(ECHO | ECHONL | ICANON | ISIG | IEXTEN)
        raw.c_cflag &= ~tcflag_t(CSIZE | PARENB)
        raw.c_cflag |= tcflag_t(CS8)
        withUnsafeMutableBytes(of: &raw.c_cc) { cc in
            cc[Int(VMIN)] = 1
            cc[Int(VTIME)] = 0
        }
        return raw
    }

    /// Puts `fd` in raw mode and arranges for it to be restored. `wakeFD` is the write end of
    /// a non-blocking pipe that gets a `w` on each SIGWINCH, or -1.
    ///
    /// Throws ``TerminalError/Code/terminalSettings`` when `fd` is not a terminal.
    static func enter(fd: Int32, wakeFD: Int32) throws {
        var original = termios()
        guard tcgetattr(fd, &original) == 0 else {
            throw TerminalError(.terminalSettings, "Cannot read the terminal settings: \(SystemCalls.errorDescription).")
        }
        var raw = self.rawSettings(from: original)
        guard tcsetattr(fd, TCSADRAIN, &raw) == 0 else {
            throw TerminalError(.terminalSettings, "Cannot put the terminal in raw mode: \(SystemCalls.errorDescription).")
        }
        record.pointee.fd = fd
        record.pointee.original = original
        record.pointee.wakeFD = wakeFD
        record.pointee.active = true
        SystemCalls.writeAll(fd, enableBracketedPaste)
        installHandlers()
    }

    /// Puts the terminal back as it was and removes the signal handlers. Safe to call twice.
    static func leave() {
        guard record.pointee.active else { return }
        restoreTerminal()
        removeHandlers()
    }

    static let enableBracketedPaste: [UInt8] = Array("\u{1B}[?2004h".utf8)
    static let disableBracketedPaste: [UInt8] = Array("\u{1B}[?2004l".utf8)
    static let leavingBytes: [UInt8] = Array("\r\u{1B}[2K\u{1B}[?2004l".utf8)
}

// MARK: - What a signal handler may touch

/// Everything the handlers need, in memory allocated once and never moved, so reading it
/// from a signal handler takes no lock and no allocation.
private struct RestoreRecord {
    var active = false
    var fd: Int32 = -1
    var wakeFD: Int32 = -1
    var original = termios()
    var handlersInstalled = false
    var atExitRegistered = false
    var previousInterrupt = sigaction()
    var previousTerminate = sigaction()
    var previousWindowChange = sigaction()
}

nonisolated(unsafe) private let record: UnsafeMutablePointer<RestoreRecord> = {
    let pointer = UnsafeMutablePointer<RestoreRecord>.allocate(capacity: 1)
    pointer.initialize(to: RestoreRecord())
    return pointer
}()

/// Async-signal-safe: only `write` and `tcsetattr`, on memory set up in advance.
private func restoreTerminal() {
    guard record.pointee.active else { return }
    record.pointee.active = false
    record.pointee.wakeFD = -1
    let fd = record.pointee.fd
    // Clear the input line too, so whatever comes next (the shell's prompt) starts clean.
    RawMode.leavingBytes.withUnsafeBytes { _ = write(fd, $0.baseAddress, $0.count) }
    _ = tcsetattr(fd, TCSADRAIN, &record.pointee.original)
}

private func installHandlers() {
    if !record.pointee.atExitRegistered {
        record.pointee.atExitRegistered = true
        atexit { restoreTerminal() }
    }
    guard !record.pointee.handlersInstalled else { return }
    record.pointee.handlersInstalled = true
    setHandler(SIGINT, onTerminatingSignal, saving: &record.pointee.previousInterrupt)
    setHandler(SIGTERM, onTerminatingSignal, saving: &record.pointee.previousTerminate)
    setHandler(SIGWINCH, onWindowChange, saving: &record.pointee.previousWindowChange)
}

private func removeHandlers() {
    guard record.pointee.handlersInstalled else { return }
    record.pointee.handlersInstalled = false
    sigaction(SIGINT, &record.pointee.previousInterrupt, nil)
    sigaction(SIGTERM, &record.pointee.previousTerminate, nil)
    sigaction(SIGWINCH, &record.pointee.previousWindowChange, nil)
}

private func setHandler(
    _ signal: Int32,
    _ handler: @escaping @convention(c) (Int32) -> Void,
    saving previous: UnsafeMutablePointer<sigaction>
) {
    var action = sigaction()
    #if canImport(Darwin)
    action.__sigaction_u.__sa_handler = handler
    #else
    action.__sigaction_handler.sa_handler = handler
    #endif
    action.sa_flags = SA_RESTART
    sigemptyset(&action.sa_mask)
    sigaction(signal, &action, previous)
}

/// SIGINT or SIGTERM: restore the terminal, put the earlier handler back and send the signal
/// again, so it does what it would have done without us (by default, end the process).
private func onTerminatingSignal(_ signal: Int32) {
    restoreTerminal()
    removeHandlers()
    raise(signal)
}

private func onWindowChange(_ signal: Int32) {
    let fd = record.pointee.wakeFD
    guard fd >= 0 else { return }
    var byte = UInt8(ascii: "w")
    _ = write(fd, &byte, 1)
}
