/// Where stored events get their sequence numbers, and so their msgids.
///
/// The store asks for one ID per append, while holding its queue lock, so the order of
/// IDs is the order of the queue and of the commits. The local implementation
/// (``LocalHistorySequencer``) counts in memory within an epoch that the SQLite file
/// hands out once per open; a replicated one (a shared log across hubs) can do the same
/// with an epoch claimed from the log at start-up. The hub never sees which it is.
///
/// Contract for implementations:
/// - ``next()`` returns at once: it runs on the caller's event loop, under the store's
///   queue lock, so it never waits on a disk or a network and never calls the store.
/// - Every ID is greater than every ID returned before, by this instance or by any
///   earlier instance writing to the same log, also after a crash that lost IDs that
///   were handed out but never committed (clients may have seen them).
/// - It never fails: an implementation that could run out reserves the next range
///   ahead of time.
public protocol HistorySequencer: Sendable {
    /// The next ID, greater than every ID issued before it.
    func next() -> MessageID
}
