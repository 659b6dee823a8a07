#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import NIOConcurrencyHelpers
import Testing

@testable import ChatClient

/// The terminal on a real pseudo-terminal: raw mode set and restored, keys typed on the
/// master side, bytes drawn read back from it. Serialized: raw mode keeps one process-wide
/// record of the settings to restore.
@Suite(.serialized) struct TerminalPseudoTerminalTests {
    /// A pseudo-terminal pair, closed on deinit.
    private final class PseudoTerminal {
        let master: Int32
        let slave: Int32

        init(columns: UInt16 = 40) throws {
            var master: Int32 = -1
            var slave: Int32 = -1
            var size = winsize(ws_row: 24, ws_col: columns, ws_xpixel: 0, ws_ypixel: 0)
            try #require(openpty(&master, &slave, nil, nil, &size) == 0)
            self.master = master
            self.slave = slave
        }

        deinit {
            close(self.master)
            close(self.slave)
        }

        func type(_ text: String) {
            SystemCalls.writeAll(self.master, Array(text.utf8))
        }

        /// Everything the program wrote, read until `predicate` holds or 5 seconds pass.
        func read(until predicate: (String) -> Bool) -> String {
            var collected: [UInt8] = []
            for _ in 0..<500 {
                var fds = [pollfd(fd: self.master, events: Int16(POLLIN), revents: 0)]
                if poll(&fds, 1, 10) > 0, let bytes = SystemCalls.readChunk(self.master) {
                    collected += bytes
                }
                if predicate(String(decoding: collected, as: UTF8.self)) { break }
            }
            return String(decoding: collected, as: UTF8.self)
        }

        func settings() -> termios {
            var settings = termios()
            _ = tcgetattr(self.slave, &settings)
            return settings
        }
    }

    /// What the callbacks saw, collected across threads.
    private final class Received: Sendable {
        private let state = NIOLockedValueBox((lines: [String](), ended: 0))
        func line(_ line: String) { self.state.withLockedValue { $0.lines.append(line) } }
        func end() { self.state.withLockedValue { $0.ended += 1 } }
        var lines: [String] { self.state.withLockedValue { $0.lines } }
        var ended: Int { self.state.withLockedValue { $0.ended } }

        /// Waits up to 5 seconds for `condition`.
        func wait(for condition: (Received) -> Bool) -> Bool {
            for _ in 0..<500 {
                if condition(self) { return true }
                usleep(10_000)
            }
            return condition(self)
        }
    }

    private static func isRaw(_ settings: termios) -> Bool {
        settings.c_lflag & tcflag_t(ICANON | ECHO | ISIG | IEXTEN) == 0 && settings.c_iflag & tcflag_t(ICRNL | IXON) == 0
    }

    @Test func rawModeIsSetAndThenRestoredExactly() throws {
        let pty = try PseudoTerminal()
        let before = pty.settings()
        #expect(!Self.isRaw(before))

        try RawMode.enter(fd: pty.slave, wakeFD: -1)
        let raw = pty.settings()
        #expect(Self.isRaw(raw))
        #expect(raw.c_oflag & tcflag_t(OPOST) != 0, "output processing stays on")
        #expect(pty.read { $0.contains("\u{1B}[?2004h") }.contains("\u{1B}[?2004h"))

        RawMode.leave()
        let after = pty.settings()
        #expect(after.c_lflag == before.c_lflag)
        #expect(after.c_iflag == before.c_iflag)
        #expect(after.c_oflag == before.c_oflag)
        #expect(after.c_cflag == before.c_cflag)
        #expect(pty.read { $0.contains("\u{1B}[?2004l") }.contains("\u{1B}[?2004l"))
        RawMode.leave()  // a second time changes nothing
        #expect(pty.settings().c_lflag == before.c_lflag)
    }

    @Test func rawModeOnSomethingThatIsNotATerminalThrows() throws {
        var fds: [Int32] = [-1, -1]
        try #require(pipe(&fds) == 0)
        defer { fds.forEach { close($0) } }
        #expect(throws: TerminalError(.terminalSettings, "")) { try RawMode.enter(fd: fds[0], wakeFD: -1) }
    }

    @Test func typedLineIsEnteredAndAMessageDoesNotGarbleIt() throws {
        let pty = try PseudoTerminal(columns: 40)
        let before = pty.settings()
        let terminal = InteractiveTerminal(inputFD: pty.slave, outputFD: pty.slave)
        let received = Received()
        terminal.setPrompt("#lobby> ")
        try terminal.run(onLine: received.line, onEnd: received.end)
        #expect(Self.isRaw(pty.settings()))

        pty.type("hel")
        let typed = pty.read { $0.contains("#lobby> hel\u{1B}[K\r\u{1B}[11C") }
        #expect(typed.contains("#lobby> hel\u{1B}[K\r\u{1B}[11C"))

        terminal.show("<alice> hi")
        let shown = pty.read { $0.contains("\u{1B}[11C") }
        // ONLCR is on, so the terminal driver turns our CR LF into CR CR LF; both end the row.
        #expect(shown.hasPrefix("\r\u{1B}[2K<alice> hi\r\r\n\r#lobby> hel\u{1B}[K\r\u{1B}[11C"))

        pty.type("lo\u{1B}[D\u{1B}[D\u{7F}\r")  // two lefts, backspace: "helo" entered
        #expect(received.wait { $0.lines == ["helo"] })

        pty.type("\u{1B}[A\r")  // Up recalls it
        #expect(received.wait { $0.lines == ["helo", "helo"] })

        // A pasted block waits in the input, shown with its line count, until Enter.
        pty.type("\u{1B}[200~one\ntwo\n\u{1B}[201~")
        let pasted = pty.read { $0.contains("[2 lines] one⏎two") }
        #expect(pasted.contains("#lobby> [2 lines] one⏎two"))
        #expect(received.lines == ["helo", "helo"])
        pty.type("\r")
        #expect(received.wait { $0.lines.count == 3 })
        #expect(received.lines == ["helo", "helo", "one\ntwo"])

        // Ctrl-C discards a pasted block: nothing is sent.
        pty.type("\u{1B}[200~secret\nkey\u{1B}[201~")
        _ = pty.read { $0.contains("[2 lines] secret⏎key") }
        pty.type("\u{03}")
        let cleared = pty.read { $0.hasSuffix("#lobby> \u{1B}[K\r\u{1B}[8C") }
        #expect(cleared.hasSuffix("#lobby> \u{1B}[K\r\u{1B}[8C"))

        pty.type("x\u{03}\u{04}")  // Ctrl-C clears, then Ctrl-D on the empty line leaves
        #expect(received.wait { $0.ended == 1 })
        #expect(received.lines.count == 3)
        #expect(pty.settings().c_lflag == before.c_lflag)
        terminal.stop()
        #expect(received.ended == 1)
    }

    @Test func aLongMessageWrapsBetweenWordsUnderItsText() throws {
        let pty = try PseudoTerminal(columns: 30)
        let terminal = InteractiveTerminal(inputFD: pty.slave, outputFD: pty.slave)
        try terminal.run(onLine: { _ in }, onEnd: {})
        defer { terminal.stop() }
        terminal.show("12:00 <alice> the quick brown fox jumps over 中文字", indent: 14)
        let shown = pty.read { $0.contains("中文字") }
        // ONLCR turns each CR LF into CR CR LF.
        #expect(shown.contains("12:00 <alice> the quick brown\r\r\n              fox jumps over \r\r\n") == false)
        #expect(shown.contains("12:00 <alice> the quick brown\r\r\n              fox jumps over\r\r\n              中文字\r\r\n"))
    }

    @Test func windowChangeRedrawsForTheNewWidth() throws {
        let pty = try PseudoTerminal(columns: 40)
        let terminal = InteractiveTerminal(inputFD: pty.slave, outputFD: pty.slave)
        try terminal.run(onLine: { _ in }, onEnd: {})
        defer { terminal.stop() }
        pty.type("abcdefghijklmnop")
        _ = pty.read { $0.contains("[16C") }

        var size = winsize(ws_row: 24, ws_col: 10, ws_xpixel: 0, ws_ypixel: 0)
        _ = ioctl(pty.master, UInt(TIOCSWINSZ), &size)
        kill(getpid(), SIGWINCH)
        // 9 usable columns: the last 8 characters and the cursor cell.
        let redrawn = pty.read { $0.contains("[8C") }
        #expect(redrawn == "\r\u{1B}[2K\rijklmnop\u{1B}[K\r\u{1B}[8C")
    }

    @Test func stopRestoresTheTerminalAndEndsTheReader() throws {
        let pty = try PseudoTerminal()
        let before = pty.settings()
        let terminal = InteractiveTerminal(inputFD: pty.slave, outputFD: pty.slave)
        let received = Received()
        try terminal.run(onLine: received.line, onEnd: received.end)
        #expect(throws: TerminalError(.alreadyRunning, "")) {
            try terminal.run(onLine: { _ in }, onEnd: {})
        }
        terminal.stop()
        terminal.stop()
        #expect(pty.settings().c_lflag == before.c_lflag)
        pty.type("ignored\n")
        usleep(100_000)
        #expect(received.lines.isEmpty)
        #expect(received.ended == 0)

        // And it can run again; what was typed in between is still in the input queue.
        try terminal.run(onLine: received.line, onEnd: received.end)
        pty.type("again\r")
        #expect(received.wait { $0.lines == ["ignored", "again"] })
        terminal.stop()
    }

    @Test func pipedInputIsReadAsPlainLinesWithoutEscapeCodes() throws {
        var input: [Int32] = [-1, -1]
        var output: [Int32] = [-1, -1]
        try #require(pipe(&input) == 0 && pipe(&output) == 0)
        defer { (input + output).forEach { close($0) } }
        let terminal = InteractiveTerminal(inputFD: input[0], outputFD: output[1])
        let received = Received()
        try terminal.run(onLine: received.line, onEnd: received.end)
        terminal.show("<bob> \u{1B}[31mred")
        SystemCalls.writeAll(input[1], Array("/join #a\r\n\nhello".utf8))
        close(input[1])
        input[1] = dup(input[0])  // keep the deferred close balanced
        #expect(received.wait { $0.ended == 1 })
        #expect(received.lines == ["/join #a", "hello"])
        let written = String(decoding: SystemCalls.readChunk(output[0]) ?? [], as: UTF8.self)
        #expect(written == "<bob> ^[[31mred\n")
    }
}
