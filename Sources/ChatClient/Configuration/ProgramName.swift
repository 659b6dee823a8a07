import Foundation

/// The name hints use for the `securechat` command: `securechat` when that is what the
/// user's shell finds, else the path the user ran it by (`.build/release/securechat`), so
/// that a hint can be pasted as it stands.
public enum ProgramName {
    /// The name for this process.
    public static let current: String = resolve(
        argv0: CommandLine.arguments.first ?? "securechat",
        searchPath: ProcessInfo.processInfo.environment["PATH"] ?? "")

    /// Pure, for tests: `argv0` is how the program was started, `searchPath` the PATH.
    ///
    /// A bare name was found on PATH, so it stays; a path stays too unless the PATH's
    /// `securechat` is the same file. A process that is not `securechat` (a test runner)
    /// gets `securechat`.
    public static func resolve(argv0: String, searchPath: String) -> String {
        let base = (argv0 as NSString).lastPathComponent
        guard base == "securechat", argv0.contains("/") else { return "securechat" }
        let mine = (argv0 as NSString).resolvingSymlinksInPath
        for folder in searchPath.split(separator: ":") where !folder.isEmpty {
            let candidate = String(folder) + "/securechat"
            if FileManager.default.isExecutableFile(atPath: candidate) {
                return (candidate as NSString).resolvingSymlinksInPath == (mine as NSString).standardizingPath ? "securechat" : argv0
            }
        }
        return argv0
    }

    /// `word` as a shell reads it back: unchanged when it holds only safe characters,
    /// else in single quotes.
    public static func shellQuoted(_ word: String) -> String {
        let safe = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./:=@,+%~")
        if !word.isEmpty, word.allSatisfy(safe.contains), !word.hasPrefix("~") { return word }
        return "'" + word.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}
