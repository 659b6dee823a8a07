import ChatClient
import NIOConcurrencyHelpers
import TestSupport

/// Collects a connection's events so tests can wait for one, with a bound.
final class EventCollector: Sendable {
    private let box = NIOLockedValueBox<[ChatEvent]>([])
    private let task: Task<Void, Never>

    init(_ events: AsyncStream<ChatEvent>) {
        let box = self.box
        self.task = Task {
            for await event in events { box.withLockedValue { $0.append(event) } }
        }
    }

    var events: [ChatEvent] { self.box.withLockedValue { $0 } }

    /// Waits until an event satisfies `predicate` and returns it.
    @discardableResult
    func waitFor(
        _ what: String, timeout: Duration = .seconds(10), _ predicate: @escaping @Sendable (ChatEvent) -> Bool
    ) async throws -> ChatEvent {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if let event = self.events.first(where: predicate) { return event }
            try await Task.sleep(for: .milliseconds(10))
        }
        throw TestTimeout(what: what, events: self.events.suffix(20).map { "\($0)" })
    }

    /// The messages received so far.
    var messages: [ChatMessage] {
        self.events.compactMap { event in
            if case .message(let message) = event { return message }
            return nil
        }
    }
}
