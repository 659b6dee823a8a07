/// When to try again after a connection was lost: exponential backoff with jitter, capped,
/// and reset once a connection stayed up long enough to count as healthy.
public struct ReconnectPolicy: Hashable, Sendable {
    public var initialDelay: Duration = .seconds(1)
    public var maximumDelay: Duration = .seconds(60)
    /// The delay is multiplied by a random factor in `1 ± jitter`.
    public var jitter: Double = 0.2
    /// A connection that lasted this long resets the backoff.
    public var healthyAfter: Duration = .seconds(30)
    /// Failed attempts since the last healthy connection.
    public private(set) var attempt = 0

    public init() {}

    /// The delay before the next attempt; `random` is in `0...1` (a parameter so tests
    /// can pin it).
    public mutating func nextDelay(random: Double = Double.random(in: 0...1)) -> Duration {
        let exponent = min(self.attempt, 30)
        self.attempt += 1
        var base = self.initialDelay * (1 << exponent)
        if base > self.maximumDelay { base = self.maximumDelay }
        let factor = 1 + self.jitter * (2 * min(max(random, 0), 1) - 1)
        return base * factor
    }

    /// Tells the policy how long the last connection lasted; a healthy one resets the backoff.
    public mutating func connectionEnded(after uptime: Duration) {
        if uptime >= self.healthyAfter { self.attempt = 0 }
    }

    /// Starts over, as after a healthy connection.
    public mutating func reset() {
        self.attempt = 0
    }
}
