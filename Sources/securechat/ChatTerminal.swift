import Foundation

/// What the interactive command needs from a terminal: lines in, lines out, a prompt.
protocol ChatTerminal: Sendable {
    func run(onLine: @escaping @Sendable (String) -> Void, onEnd: @escaping @Sendable () -> Void) throws
    func show(_ line: String)
    func setPrompt(_ text: String)
    func stop()
}

/// A plain line-reading terminal: no raw mode, output may interleave with typing. Used
/// where no richer terminal is available.
final class LineTerminal: ChatTerminal, @unchecked Sendable {
    private let lock = NSLock()
    private var prompt = ""
    private var stopped = false

    func run(onLine: @escaping @Sendable (String) -> Void, onEnd: @escaping @Sendable () -> Void) throws {
        let thread = Thread { [self] in
            while true {
                self.printPrompt()
                guard let line = readLine() else { break }
                if self.lock.withLock({ self.stopped }) { return }
                onLine(line)
            }
            onEnd()
        }
        thread.start()
    }

    func show(_ line: String) {
        self.lock.withLock {
            FileHandle.standardOutput.write(Data((line + "\n").utf8))
        }
    }

    func setPrompt(_ text: String) {
        self.lock.withLock { self.prompt = text }
    }

    func stop() {
        self.lock.withLock { self.stopped = true }
    }

    private func printPrompt() {
        guard isatty(0) == 1 else { return }
        self.lock.withLock {
            FileHandle.standardOutput.write(Data(self.prompt.utf8))
        }
    }
}
