import Foundation

extension Hub {
    /// The hub's share of a scrape, on the hub's loop: its counters, how many sessions are
    /// registered, the channels and allowlist lines, the client certificates seen.
    func fillSnapshot(_ snapshot: inout ServerSnapshot, now: Date) {
        var registered = 0
        var open = 0
        self.forEachConnection { _, id in
            open += 1
            if self.state.isRegistered(id) { registered += 1 }
        }
        let (earliest, expiring) = self.counters.clientCertificates(
            now: now, warningDays: self.configuration.limits.expiryWarningDays)
        snapshot.hub = self.counters
        snapshot.statistics = self.state.statistics
        snapshot.registered = registered
        snapshot.registering = open - registered
        snapshot.channels = self.state.channelCount
        snapshot.allowlistEntries = self.allowlist.entries.count
        snapshot.earliestClientCertificate = earliest
        snapshot.clientCertificatesExpiringSoon = expiring
    }
}
