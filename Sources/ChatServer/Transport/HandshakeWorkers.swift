import Foundation
import NIOConcurrencyHelpers
import NIOPosix
import TLS

#if canImport(Glibc)
import Glibc
#endif

/// The threads that run the CPU-heavy steps of server-side TLS handshakes (key exchange,
/// signature, client certificate verification; about a millisecond each), so that the I/O
/// loops only move bytes and a storm of reconnecting clients does not delay the chat of
/// those already in (`[limits] handshake_threads`).
///
/// Each thread lowers its own scheduling priority once, when the pool starts (nice 10 on
/// Linux, where nice applies per thread): under a full CPU the I/O loops and the hub run
/// first and handshakes take what is left. Elsewhere the threads keep the process's priority.
final class HandshakeWorkers: Sendable {
    /// The nice value the threads set for themselves.
    static let niceness: Int32 = 10
    let count: Int
    private let pool: NIOThreadPool

    init(count: Int) {
        self.count = max(count, 1)
        self.pool = NIOThreadPool(numberOfThreads: self.count)
    }

    /// Starts the threads; each lowers its priority before it runs a handshake.
    func start() {
        self.pool.start()
        // One job per thread, each waiting until all have started, so that every thread
        // runs exactly one of them, before any handshake queued after them.
        let started = DispatchGroup()
        for _ in 0..<self.count { started.enter() }
        for _ in 0..<self.count {
            self.pool.submit { _ in
                Self.lowerThisThreadsPriority()
                started.leave()
                started.wait()
            }
        }
    }

    /// Runs `work` on a worker thread; dropped once the pool is shutting down.
    func run(_ work: @escaping @Sendable () -> Void) {
        self.pool.submit { state in
            guard case .active = state else { return }
            work()
        }
    }

    /// Keeps every thread busy until the returned function is called, so that handshake
    /// steps queue meanwhile (for tests: a step that is out for as long as they need).
    func hold() -> @Sendable () -> Void {
        let released = ConditionLock(value: false)
        for _ in 0..<self.count {
            self.pool.submit { _ in
                released.lock(whenValue: true)
                released.unlock()
            }
        }
        return {
            released.lock()
            released.unlock(withValue: true)
        }
    }

    /// Stops the threads once the jobs already queued have run or been dropped.
    func shutdown() async {
        try? await self.pool.shutdownGracefully()
    }

    /// On Linux the nice value belongs to each thread, and `who` 0 names the calling thread
    /// (the kernel resolves it to `current`; setpriority(2), BUGS): the rest of the process
    /// keeps its priority.
    private static func lowerThisThreadsPriority() {
        #if os(Linux)
        _ = setpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0, Self.niceness)
        #endif
    }

    /// The calling thread's nice value (on Linux: its own, not the process's).
    static func currentThreadNiceness() -> Int32 {
        #if os(Linux)
        return getpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0)
        #else
        return 0
        #endif
    }
}
