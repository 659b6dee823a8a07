import Foundation

/// The test and soak hook in front of the writer: hold it, or slow each batch down.
///
/// The writer passes through ``pass()`` before every batch and every maintenance
/// transaction; while the gate is held it waits there, so appends pile up exactly as
/// they would behind a slow disk.
final class WriterGate: @unchecked Sendable {
    private let condition = NSCondition()
    private var held = false
    private var delay: Duration = .zero

    /// Makes the writer wait before its next transaction until ``release()``.
    func hold() {
        self.condition.withLock { self.held = true }
    }

    /// Lets a held writer go on.
    func release() {
        self.condition.withLock {
            self.held = false
            self.condition.broadcast()
        }
    }

    /// Makes the writer sleep `delay` before each transaction; `.zero` turns it off.
    func setDelay(_ delay: Duration) {
        self.condition.withLock { self.delay = delay }
    }

    /// Called by the writer before a transaction: waits while held, then sleeps the delay.
    func pass() {
        let delay = self.condition.withLock {
            while self.held {
                self.condition.wait()
            }
            return self.delay
        }
        if delay > .zero {
            let (seconds, attoseconds) = delay.components
            Thread.sleep(forTimeInterval: Double(seconds) + Double(attoseconds) / 1e18)
        }
    }
}
