import NIOConcurrencyHelpers
import NIOCore

/// Measures one event loop's lag: a task due every second records how late it ran
/// (``ServerInstruments/eventLoopLag``). A loop busy with a long turn runs it late.
final class LoopLagProbe: Sendable {
    private let loop: any EventLoop
    private let instruments: ServerInstruments
    private let scheduled: NIOLockedValueBox<Scheduled<Void>?> = NIOLockedValueBox(nil)
    private let stopped = NIOLockedValueBox(false)

    static let interval = TimeAmount.seconds(1)

    init(loop: any EventLoop, instruments: ServerInstruments) {
        self.loop = loop
        self.instruments = instruments
    }

    func start() {
        self.schedule()
    }

    func stop() {
        self.stopped.withLockedValue { $0 = true }
        self.scheduled.withLockedValue { $0?.cancel() }
    }

    private func schedule() {
        let due = NIODeadline.now() + Self.interval
        self.scheduled.withLockedValue { scheduled in
            guard !self.stopped.withLockedValue({ $0 }) else { return }
            scheduled = self.loop.scheduleTask(deadline: due) {
                self.instruments.loopLagged(NIODeadline.now() - due)
                self.schedule()
            }
        }
    }
}
