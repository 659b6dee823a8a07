import CodedError

/// A failure to set up the terminal. Equal by ``code``; ``reason`` says what failed and why.
public struct TerminalError: CodedError {
    /// What kind of failure this is; compare errors by this.
    public enum Code: String, ErrorCode {
        /// The terminal's settings could not be read or changed (`tcgetattr`/`tcsetattr`).
        case terminalSettings
        /// A pipe or thread the terminal needs could not be created.
        case resources
        /// ``InteractiveTerminal/run(onLine:onEnd:)`` was called while already running.
        case alreadyRunning
    }

    public let code: Code
    public let reason: String
    public let file: String
    public let line: Int

    init(_ code: Code, _ reason: String, file: String = #fileID, line: Int = #line) {
        self.code = code
        self.reason = reason
        self.file = file
        self.line = line
    }
}
