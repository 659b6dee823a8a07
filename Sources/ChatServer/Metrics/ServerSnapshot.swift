import Foundation
import TLS

/// Everything one scrape reports, gathered from the hub's loop, each I/O loop and the
/// connection gate (see ``ChatServer/scrape()``), then published by ``publish(into:)``.
struct ServerSnapshot: Sendable {
    var hub = HubCounters()
    var statistics = HubStatistics()
    var transport = TransportCounters()
    var gate = ConnectionGate.Counts()
    var registering = 0
    var registered = 0
    var channels = 0
    var allowlistEntries = 0
    var historyBacklog: Int?
    var tlsDates = TLSFileDates()
    var earliestClientCertificate: Date?
    var clientCertificatesExpiringSoon = 0
    /// When the files were first loaded: the last successful reload until one happens.
    var loadedAt = Date()
}
