/// Polls `condition` every 5 ms until it holds.
///
/// - Throws: ``TestTimeout`` naming `what` after `timeout`.
public func waitUntil(
    _ what: String, timeout: Duration = .seconds(10), _ condition: () -> Bool
) async throws {
    let deadline = ContinuousClock.now + timeout
    while !condition() {
        guard ContinuousClock.now < deadline else { throw TestTimeout(what: what, events: []) }
        try await Task.sleep(for: .milliseconds(5))
    }
}
