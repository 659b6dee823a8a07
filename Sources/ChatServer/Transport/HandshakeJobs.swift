import NIOCore
import TLS

/// One I/O loop's door to the ``HandshakeWorkers``: the ``TLSHandshakeExecutor`` of the
/// server-side connections on that loop.
///
/// At most `limit` of the loop's handshake steps are on the workers at once
/// (`[limits] handshakes_per_turn`); more wait here, in order, for one to come back. So
/// one loop's storm cannot fill the workers' queue ahead of the other loops, and a loop
/// hands out work no faster than the workers finish it.
final class HandshakeJobs: TLSHandshakeExecutor {
    let limit: Int
    private let workers: HandshakeWorkers
    private let eventLoop: any EventLoop
    private let queue: NIOLoopBoundBox<Queue>

    /// Loop-confined.
    private final class Queue {
        var inFlight = 0
        var waiting: CircularBuffer<@Sendable () -> Void> = []
    }

    init(limit: Int, workers: HandshakeWorkers, eventLoop: any EventLoop) {
        self.limit = max(limit, 1)
        self.workers = workers
        self.eventLoop = eventLoop
        self.queue = NIOLoopBoundBox.makeBoxSendingValue(Queue(), eventLoop: eventLoop)
    }

    /// Steps of this loop on the workers now; on the loop.
    var inFlight: Int { self.queue.value.inFlight }
    /// Steps of this loop waiting for a place; on the loop.
    var waiting: Int { self.queue.value.waiting.count }

    /// On the loop: runs `work` on a worker now, or once one of this loop's steps is back.
    func execute(_ work: @escaping @Sendable () -> Void) {
        let queue = self.queue.value
        guard queue.inFlight < self.limit else {
            queue.waiting.append(work)
            return
        }
        queue.inFlight += 1
        self.submit(work)
    }

    private func submit(_ work: @escaping @Sendable () -> Void) {
        self.workers.run {
            work()
            self.eventLoop.execute { self.stepReturned() }
        }
    }

    private func stepReturned() {
        let queue = self.queue.value
        if let next = queue.waiting.popFirst() {
            self.submit(next)
        } else {
            queue.inFlight -= 1
        }
    }
}
