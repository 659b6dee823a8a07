import Foundation
import TLS

/// What the hub counts for the metrics, on the hub's loop: plain integers, changed once per
/// admission, close or reload (never per recipient), read when the metrics are scraped.
struct HubCounters: Sendable {
    /// Why a TLS-authenticated peer was not admitted to the chat.
    enum AdmissionRefusal: String, CaseIterable, Sendable {
        case notAllowlisted = "not_allowlisted"
        case tlsReload = "tls_reload"
    }

    /// A reload's result.
    enum ReloadResult: String, CaseIterable, Sendable {
        case success
        case rejected
    }

    var admitted = 0
    var admissionsRefused: [AdmissionRefusal: Int] = [:]
    var disconnects: [DisconnectReason: Int] = [:]
    var allowlistReloads: [ReloadResult: Int] = [:]
    var allowlistReloadedAt: Date?
    var tlsReloads: [ReloadResult: Int] = [:]
    var tlsReloadedAt: Date?
    /// Messages routed and the copies they made (one addition per message).
    var deliveries = 0
    var sentBytes = 0
    /// Client certificates admitted lately: fingerprint → (notAfter, last seen).
    var certificatesSeen: [Fingerprint: (notAfter: Date, seen: Date)] = [:]

    static let certificateMemory: TimeInterval = 30 * 86_400

    mutating func disconnected(_ reason: String) {
        self.disconnects[DisconnectReason(classifying: reason), default: 0] += 1
    }

    /// Forgets certificates not seen for 30 days; returns the earliest expiry among the
    /// rest and how many of them expire within `days`.
    mutating func clientCertificates(now: Date, warningDays: Int) -> (earliest: Date?, expiringSoon: Int) {
        self.certificatesSeen = self.certificatesSeen.filter { now.timeIntervalSince($0.value.seen) <= Self.certificateMemory }
        let limit = now.addingTimeInterval(TimeInterval(warningDays) * 86_400)
        let dates = self.certificatesSeen.values.map(\.notAfter)
        return (dates.min(), dates.count { $0 <= limit })
    }
}
