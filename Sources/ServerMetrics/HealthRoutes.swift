import NIOConcurrencyHelpers
import NIOCore

/// What the HTTP endpoints answer, supplied by the server.
///
/// - `/metrics`: ``metrics`` (nil: this listener does not serve it, 404).
/// - `/livez`: 200 when ``isLive`` succeeds with true, 503 otherwise.
/// - `/readyz`: 200 when ``isReady`` is true, 503 otherwise.
public struct HealthRoutes: Sendable {
    /// The Prometheus text of one scrape, completed on any loop.
    public var metrics: (@Sendable () -> EventLoopFuture<[UInt8]>)?
    /// Whether the server's main loop answered a probe in time.
    public var isLive: @Sendable () -> EventLoopFuture<Bool>
    /// Whether the server takes new connections (listening, files loaded, not draining).
    public var isReady: @Sendable () -> Bool

    public init(
        metrics: (@Sendable () -> EventLoopFuture<[UInt8]>)?,
        isLive: @escaping @Sendable () -> EventLoopFuture<Bool>,
        isReady: @escaping @Sendable () -> Bool
    ) {
        self.metrics = metrics
        self.isLive = isLive
        self.isReady = isReady
    }

    /// The same routes without `/metrics` (for `[health] listen`).
    public var withoutMetrics: HealthRoutes {
        HealthRoutes(metrics: nil, isLive: self.isLive, isReady: self.isReady)
    }

    /// Whether `loop` runs a task within `deadline`; the answer completes on `answerLoop`.
    public static func probe(_ loop: any EventLoop, within deadline: TimeAmount, answeringOn answerLoop: any EventLoop) -> EventLoopFuture<Bool> {
        let answer = answerLoop.makePromise(of: Bool.self)
        let answered = NIOLockedValueBox(false)
        @Sendable func settle(_ live: Bool) {
            let first = answered.withLockedValue { done in
                defer { done = true }
                return !done
            }
            if first { answer.succeed(live) }
        }
        let timeout = answerLoop.scheduleTask(in: deadline) { settle(false) }
        loop.execute {
            timeout.cancel()
            settle(true)
        }
        return answer.futureResult
    }
}
