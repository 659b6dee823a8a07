import Foundation
import NIOConcurrencyHelpers

/// A connection that comes back: reconnects with ``ReconnectPolicy`` after the server
/// went away, rejoins the rooms it was in, and says so with `.reconnecting` and
/// `.reconnected` events; each new connection fetches what the last one missed (its
/// ``HistoryMemory`` goes from one to the next), and shows no message twice. Final causes
/// (refused certificate, pin mismatch, unbound nick) end it instead.
public final class ChatSession: Sendable {
    /// Events of every connection in turn; ends with one `.disconnected`.
    public let events: AsyncStream<ChatEvent>
    private let continuation: AsyncStream<ChatEvent>.Continuation
    private let configuration: ClientConfiguration
    private let interactive: Bool
    private let confirm: @Sendable (ServerTrust.FirstContact) async -> Bool
    private let state = NIOLockedValueBox<(connection: ChatConnection?, quitting: Bool, rooms: [String])>((nil, false, []))
    private let memory = NIOLockedValueBox(HistoryMemory())
    private let history: HistoryPolicy
    private let policy: ReconnectPolicy
    private let retriesFirstConnection: Bool

    /// A session that has not connected yet; ``run()`` connects.
    ///
    /// - Parameters:
    ///   - interactive: whether a person can confirm a server met for the first time.
    ///   - retriesFirstConnection: whether a failed first attempt is retried like a lost
    ///     connection; by default it ends the session, so a wrong address is reported at once.
    ///   - history: what a room's first join fetches; rejoins always catch up.
    ///   - confirm: asked on first contact (see ``ChatConnection/connect(_:rooms:interactive:timeout:history:memory:confirm:)``).
    public init(
        configuration: ClientConfiguration,
        interactive: Bool,
        policy: ReconnectPolicy = ReconnectPolicy(),
        retriesFirstConnection: Bool = false,
        history: HistoryPolicy = HistoryPolicy(),
        confirm: @escaping @Sendable (ServerTrust.FirstContact) async -> Bool = { _ in false }
    ) {
        (self.events, self.continuation) = AsyncStream<ChatEvent>.makeStream()
        self.configuration = configuration
        self.interactive = interactive
        self.confirm = confirm
        self.policy = policy
        self.history = history
        self.retriesFirstConnection = retriesFirstConnection
        self.state.withLockedValue { $0.rooms = configuration.rooms }
    }

    /// The live connection, if one is up.
    public var connection: ChatConnection? { self.state.withLockedValue { $0.connection } }

    /// The rooms joined now (or, while reconnecting, the ones to rejoin).
    public var rooms: [String] { self.state.withLockedValue { $0.rooms } }

    /// Connects and keeps connecting until ``quit(_:)``, cancellation or a final cause.
    ///
    /// - Returns: the final cause, or nil after a quit.
    @discardableResult
    public func run() async -> ChatClientError? {
        var policy = self.policy
        var connectedBefore = false
        while true {
            if Task.isCancelled || self.state.withLockedValue({ $0.quitting }) { return self.end(nil) }
            let rooms = self.state.withLockedValue { $0.rooms }
            let connection: ChatConnection
            do {
                connection = try await ChatConnection.connect(
                    self.configuration, rooms: rooms, interactive: self.interactive, history: self.history,
                    memory: self.memory.withLockedValue { $0 }, confirm: self.confirm)
            } catch {
                // A first attempt that fails usually means a wrong address or a server that
                // is down: say so at once rather than retry silently, unless asked to.
                if error.isFinal || (!connectedBefore && !self.retriesFirstConnection) { return self.end(error) }
                guard await self.wait(&policy, cause: error) else { return self.end(nil) }
                continue
            }
            let quitting = self.state.withLockedValue { state in
                state.connection = connection
                return state.quitting
            }
            if quitting { await connection.quit() }
            if connectedBefore { self.continuation.yield(.reconnected(rooms: rooms)) }
            connectedBefore = true
            // A connection that registered is a success: the next loss starts again at the
            // first delay, attempt 1.
            policy.reset()
            let start = ContinuousClock.now
            var cause: ChatClientError?
            for await event in connection.events {
                switch event {
                case .joined(let room, _, true):
                    self.state.withLockedValue { if !$0.rooms.contains(room) { $0.rooms.append(room) } }
                case .parted(let room, _, _, true), .kicked(let room, _, _, _, true):
                    self.state.withLockedValue { $0.rooms.removeAll { $0 == room } }
                case .disconnected(let error):
                    cause = error
                    continue
                default:
                    break
                }
                self.continuation.yield(event)
            }
            self.state.withLockedValue { $0.connection = nil }
            let seen = await connection.historyMemory
            self.memory.withLockedValue { $0 = seen }
            guard let cause, !self.state.withLockedValue({ $0.quitting }) else { return self.end(nil) }
            if cause.isFinal { return self.end(cause) }
            policy.connectionEnded(after: ContinuousClock.now - start)
            guard await self.wait(&policy, cause: cause) else { return self.end(nil) }
        }
    }

    /// Leaves the server; ``run()`` then returns nil.
    public func quit(_ message: String? = nil) async {
        let connection = self.state.withLockedValue { state in
            state.quitting = true
            return state.connection
        }
        await connection?.quit(message)
    }

    /// Announces and sleeps the next backoff delay; false when cancelled or quitting.
    private func wait(_ policy: inout ReconnectPolicy, cause: ChatClientError) async -> Bool {
        let delay = policy.nextDelay()
        self.continuation.yield(.reconnecting(delay: delay, attempt: policy.attempt, cause: cause.reason))
        let deadline = ContinuousClock.now + delay
        while ContinuousClock.now < deadline {
            if Task.isCancelled || self.state.withLockedValue({ $0.quitting }) { return false }
            try? await Task.sleep(for: min(.milliseconds(100), deadline - ContinuousClock.now))
        }
        return true
    }

    private func end(_ cause: ChatClientError?) -> ChatClientError? {
        self.continuation.yield(.disconnected(cause))
        self.continuation.finish()
        return cause
    }
}
