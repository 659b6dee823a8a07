import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// What a child's standard streams are opened from, by path: the child opens them itself,
/// so the parent holds no descriptor another launch could leak.
struct StandardStreams {
    /// Read from; `/dev/null` when there is no input.
    var input: String
    /// Created, or emptied, and written to.
    var output, error: String
}

/// How a reaped child ended, decoded from its `waitpid` status.
struct ChildExit: Sendable {
    /// The exit status, or the number of the signal that killed the child.
    let status: Int32
    let bySignal: Bool

    /// Reaps `pid` if it has ended; nil while it runs.
    ///
    /// Waits for this one pid only (never `-1`), so other children of the test process are
    /// left to their owners. Must not be called again once it has returned an exit: the pid
    /// may then belong to someone else.
    static func reap(_ pid: pid_t) -> ChildExit? {
        var status: Int32 = 0
        while true {
            let reaped = waitpid(pid, &status, WNOHANG)
            if reaped == pid { return ChildExit(waitStatus: status) }
            if reaped == 0 { return nil }
            if errno == EINTR { continue }
            // ECHILD: something else in the process reaped it, so how it ended is lost.
            return ChildExit(status: -1, bySignal: false)
        }
    }

    /// The C macros WIFEXITED, WEXITSTATUS and WTERMSIG, which Swift does not import. Stopped
    /// and continued children are never reported: `reap` does not ask for them.
    private init(waitStatus: Int32) {
        let signal = waitStatus & 0x7f
        self.bySignal = signal != 0
        self.status = self.bySignal ? signal : (waitStatus >> 8) & 0xff
    }

    private init(status: Int32, bySignal: Bool) {
        self.status = status
        self.bySignal = bySignal
    }
}

/// Starts the executable at the absolute `path` with glibc's `posix_spawn` and returns its pid.
///
/// The child gets `path` as argv[0], then `arguments`; exactly `environment`; its standard
/// streams from `streams`; `currentDirectory` when given. It starts with no signal blocked
/// and every signal at its default disposition: the spawning thread may be one of Swift's or
/// Dispatch's, which block most signals, and SwiftNIO makes this process ignore SIGPIPE.
///
/// Every other descriptor is closed in the child (`closefrom(3)`, run on the child's own copy
/// of the descriptor table, so sockets that other threads open and close meanwhile cannot
/// disturb it); nothing walks the descriptors here. On a C library without that action, only
/// descriptors opened with O_CLOEXEC stay out.
///
/// - Throws: ``CommandError`` `.launchFailed` when the system refuses, e.g. for a path that
///   is not an executable file or a working directory that does not exist, and always on a
///   system without glibc.
func spawnChild(
    _ path: String,
    _ arguments: [String],
    environment: [String: String],
    currentDirectory: String?,
    streams: StandardStreams
) throws -> pid_t {
    #if canImport(Glibc)
    func check(_ result: Int32, _ step: String) throws {
        guard result != 0 else { return }
        throw CommandError(code: .launchFailed, reason: "\(path): \(step): \(String(cString: strerror(result)))")
    }

    var actions = posix_spawn_file_actions_t()
    try check(posix_spawn_file_actions_init(&actions), "posix_spawn_file_actions_init")
    defer { posix_spawn_file_actions_destroy(&actions) }
    let written = O_WRONLY | O_CREAT | O_TRUNC
    try check(posix_spawn_file_actions_addopen(&actions, 0, streams.input, O_RDONLY, 0), "open \(streams.input)")
    try check(posix_spawn_file_actions_addopen(&actions, 1, streams.output, written, 0o644), "open \(streams.output)")
    try check(posix_spawn_file_actions_addopen(&actions, 2, streams.error, written, 0o644), "open \(streams.error)")
    if let addCloseFrom = GNUFileActions.addCloseFrom {
        try check(addCloseFrom(&actions, 3), "closefrom 3")
    }
    if let currentDirectory {
        // After the opens, whose paths are absolute anyway, as is the executable's.
        guard let addChdir = GNUFileActions.addChdir else {
            throw CommandError(
                code: .launchFailed,
                reason: "\(path): this C library cannot set a child's working directory (glibc 2.29 can)")
        }
        try check(addChdir(&actions, currentDirectory), "chdir \(currentDirectory)")
    }

    var attributes = posix_spawnattr_t()
    try check(posix_spawnattr_init(&attributes), "posix_spawnattr_init")
    defer { posix_spawnattr_destroy(&attributes) }
    var noSignals = sigset_t()
    sigemptyset(&noSignals)
    var everySignal = sigset_t()
    sigfillset(&everySignal)
    // Neither can be caught or ignored, and sigaction refuses them.
    sigdelset(&everySignal, SIGKILL)
    sigdelset(&everySignal, SIGSTOP)
    try check(posix_spawnattr_setsigmask(&attributes, &noSignals), "posix_spawnattr_setsigmask")
    try check(posix_spawnattr_setsigdefault(&attributes, &everySignal), "posix_spawnattr_setsigdefault")
    try check(
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF)),
        "posix_spawnattr_setflags")

    var pid: pid_t = 0
    let variables = environment.map { "\($0.key)=\($0.value)" }
    let spawned = withCStringArray([path] + arguments) { argv in
        withCStringArray(variables) { envp in
            posix_spawn(&pid, path, &actions, &attributes, argv, envp)
        }
    }
    // The file actions run in the child, so their failures (a missing directory) show here.
    try check(spawned, currentDirectory.map { "posix_spawn in \($0)" } ?? "posix_spawn")
    return pid
    #else
    throw CommandError(code: .launchFailed, reason: "\(path): ChildProcess starts children on Linux (glibc) only")
    #endif
}

#if canImport(Glibc)

/// Calls `body` with `strings` as a NULL-terminated array of C strings, freed when it returns.
private func withCStringArray<Result>(
    _ strings: [String], _ body: ([UnsafeMutablePointer<CChar>?]) -> Result
) -> Result {
    let pointers = strings.map { strdup($0) } + [nil]
    defer { pointers.forEach { free($0) } }
    return body(pointers)
}

/// glibc's `_np` file actions. Swift's Glibc module leaves them out (they are declared only
/// under _GNU_SOURCE), so they are looked up by name: a C library without one is found out
/// here, at run time, rather than failing to link.
private enum GNUFileActions {
    typealias AddCloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>?, Int32) -> Int32
    typealias AddChdir = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>?, UnsafePointer<CChar>?) -> Int32

    /// `posix_spawn_file_actions_addclosefrom_np`, glibc 2.34 and later.
    static let addCloseFrom = Self.symbol("posix_spawn_file_actions_addclosefrom_np", as: AddCloseFrom.self)
    /// `posix_spawn_file_actions_addchdir_np`, glibc 2.29 and later.
    static let addChdir = Self.symbol("posix_spawn_file_actions_addchdir_np", as: AddChdir.self)

    private static func symbol<Function>(_ name: String, as type: Function.Type) -> Function? {
        // The program's own handle searches everything loaded with it, the C library included.
        dlsym(dlopen(nil, RTLD_LAZY), name).map { unsafeBitCast($0, to: type) }
    }
}

#endif
