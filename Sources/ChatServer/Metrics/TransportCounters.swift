import TLS

/// What one I/O loop counts for the metrics, on that loop: plain integers changed once per
/// handshake, read or delayed line, summed over the loops when the metrics are scraped.
struct TransportCounters: Sendable {
    var handshakesSucceeded = 0
    var handshakeFailures: [TLSFailureKind: Int] = [:]
    /// IRC bytes read from clients (after TLS), one addition per read.
    var receivedBytes = 0
    /// Lines flood control held back.
    var floodDelayedLines = 0
    /// The most bytes queued for one client at the last scrape (not summed: the largest).
    var largestSendQueue = 0

    mutating func add(_ other: TransportCounters) {
        self.handshakesSucceeded += other.handshakesSucceeded
        self.handshakeFailures.merge(other.handshakeFailures, uniquingKeysWith: +)
        self.receivedBytes += other.receivedBytes
        self.floodDelayedLines += other.floodDelayedLines
        self.largestSendQueue = max(self.largestSendQueue, other.largestSendQueue)
    }
}
