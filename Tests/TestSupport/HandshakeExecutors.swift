import NIOConcurrencyHelpers
import NIOPosix
import TLS

/// Keeps handshake steps until the test runs them, on the test's own thread.
public final class ManualHandshakeExecutor: TLSHandshakeExecutor {
    private let jobs = NIOLockedValueBox<[@Sendable () -> Void]>([])

    public init() {}

    public func execute(_ work: @escaping @Sendable () -> Void) {
        self.jobs.withLockedValue { $0.append(work) }
    }

    /// Steps waiting to be run.
    public var pending: Int { self.jobs.withLockedValue { $0.count } }

    /// Runs the steps queued so far, in order, and returns how many ran.
    @discardableResult
    public func runPending() -> Int {
        let jobs = self.jobs.withLockedValue { jobs in
            defer { jobs.removeAll() }
            return jobs
        }
        for job in jobs { job() }
        return jobs.count
    }
}

/// Runs handshake steps on the threads of a `NIOThreadPool`, counting them.
public final class ThreadPoolHandshakeExecutor: TLSHandshakeExecutor {
    private let pool: NIOThreadPool
    private let count = NIOLockedValueBox(0)

    /// Uses `pool`, which the caller starts and shuts down.
    public init(pool: NIOThreadPool) {
        self.pool = pool
    }

    public func execute(_ work: @escaping @Sendable () -> Void) {
        self.count.withLockedValue { $0 += 1 }
        self.pool.submit { _ in work() }
    }

    /// Steps handed to the pool so far.
    public var submitted: Int { self.count.withLockedValue { $0 } }
}
