import Foundation

/// The test and soak hook in front of the writer: hold it, or slow each batch down.
///
/// The writer passes through ``pass()`` before it commits a batch it has taken and
/// before every maintenance transaction; while the gate is held it waits there, so
/// appends pile up exactly as they would behind a slow disk.
final class WriterGate: @unchecked Sendable {
    private let condition = NSCondition()
    private var held = false
    /// Transactions a held gate still lets through (``step()``).
    private var allowance = 0
    /// How many transactions wait at the gate now.
    private var waiting = 0
    /// How many transactions went through the gate so far.
    private var passed = 0
    private var delay: Duration = .zero

    /// Makes the writer wait before its next transaction until ``release()``.
    func hold() {
        self.condition.withLock { self.held = true }
    }

    /// Lets a held writer go on.
    func release() {
        self.condition.withLock {
            self.held = false
            self.allowance = 0
            self.condition.broadcast()
        }
    }

    /// Lets one more transaction through a held gate, which stays held.
    func step() {
        self.condition.withLock {
            self.allowance += 1
            self.condition.broadcast()
        }
    }

    /// How many transactions went through, and whether one waits at the gate now.
    var progress: (passed: Int, isWaiting: Bool) {
        self.condition.withLock { (self.passed, self.waiting > 0) }
    }

    /// Makes the writer sleep `delay` before each transaction; `.zero` turns it off.
    func setDelay(_ delay: Duration) {
        self.condition.withLock { self.delay = delay }
    }

    /// Called by the writer before a transaction: waits while held, then sleeps the delay.
    func pass() {
        let delay = self.condition.withLock {
            self.waiting += 1
            while self.held && self.allowance == 0 {
                self.condition.wait()
            }
            if self.held { self.allowance -= 1 }
            self.waiting -= 1
            self.passed += 1
            return self.delay
        }
        if delay > .zero {
            let (seconds, attoseconds) = delay.components
            Thread.sleep(forTimeInterval: Double(seconds) + Double(attoseconds) / 1e18)
        }
    }
}
