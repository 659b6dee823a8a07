/// A failure to set up the terminal. Equal by ``code``; ``reason`` says what failed and why.
public struct TerminalError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What kind of failure this is; compare errors by this.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        public let description: String
        private init(_ name: String) { self.description = name }

        /// The terminal's settings could not be read or changed (`tcgetattr`/`tcsetattr`).
        public static let terminalSettings = Code("terminalSettings")
        /// A pipe or thread the terminal needs could not be created.
        public static let resources = Code("resources")
        /// ``InteractiveTerminal/run(onLine:onEnd:)`` was called while already running.
        public static let alreadyRunning = Code("alreadyRunning")
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

    public var description: String { self.reason }

    public static func == (lhs: TerminalError, rhs: TerminalError) -> Bool { lhs.code == rhs.code }
    public func hash(into hasher: inout Hasher) { hasher.combine(self.code) }
}
