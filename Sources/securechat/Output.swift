import Foundation

/// Writing to the terminal or a pipe, unbuffered, so lines appear as they happen.
enum Output {
    /// One line on standard output, flushed.
    static func line(_ text: String) {
        FileHandle.standardOutput.write(Data((text + "\n").utf8))
    }

    /// One line on standard error, prefixed with the program's name.
    static func error(_ text: String) {
        FileHandle.standardError.write(Data(("securechat: " + text + "\n").utf8))
    }

    /// A line on standard error without prefix (warnings, prompts).
    static func note(_ text: String, newline: Bool = true) {
        FileHandle.standardError.write(Data((text + (newline ? "\n" : "")).utf8))
    }
}
