/// Polls `condition` every 5 ms until it holds.
///
/// - Throws: ``TestTimeout`` naming `what` after `timeout`.
public func waitUntil(
    _ what: String, timeout: Duration = .seconds(10), _ condition: () -> Bool
) async throws {
    try await waitUntilAsync(what, timeout: timeout, every: .milliseconds(5)) { condition() }
}

/// Polls `condition`, which may wait itself (an HTTP request), every `interval` until it holds.
///
/// - Throws: ``TestTimeout`` naming `what` after `timeout`, or what `condition` threw.
public func waitUntilAsync(
    _ what: String, timeout: Duration = .seconds(10), every interval: Duration = .milliseconds(50),
    _ condition: () async throws -> Bool
) async throws {
    let deadline = ContinuousClock.now + timeout
    while try await !condition() {
        guard ContinuousClock.now < deadline else { throw TestTimeout(what: what, events: []) }
        try await Task.sleep(for: interval)
    }
}
