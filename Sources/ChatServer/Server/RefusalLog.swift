import NIOCore

/// Decides which refused connections are logged one by one and sums up the rest, so that a
/// flood of peers that never log in cannot fill the disk with log lines.
///
/// Time runs in windows of `window`. In each, the first `perWindow` refusals of peers
/// without an admitted certificate (timeouts, plaintext, no certificate, limits) are
/// logged one by one; the rest are counted, and when the window ends one line sums them
/// up: `… and 4,123 more refused connections from 263 addresses in the last 10 s: 4,000
/// timeouts, 123 not TLS`. Refusals of certificate holders (not in the allowlist, revoked,
/// expired) have a budget of their own, `certificatesPerWindow`, which the others cannot
/// use up; past it they are summed up likewise. A pure value: the caller logs.
struct RefusalLog {
    /// Why a peer without an admitted certificate was refused.
    enum Kind: Int, CaseIterable, Comparable {
        case timeout, notTLS, noCertificate, failed, overLimit, evicted

        /// How the summary names a count of them.
        var plural: String {
            switch self {
            case .timeout: "timeouts"
            case .notTLS: "not TLS"
            case .noCertificate: "without a certificate"
            case .failed: "failed handshakes"
            case .overLimit: "over a connection limit"
            case .evicted: "closed to make room for newer handshakes"
            }
        }

        static func < (lhs: Kind, rhs: Kind) -> Bool { lhs.rawValue < rhs.rawValue }
    }

    let window: TimeAmount
    let perWindow: Int
    let certificatesPerWindow: Int
    /// The most addresses a window remembers, to count them.
    static let maxAddresses = 10_000
    private var windowStart: NIODeadline
    private var logged = 0
    private var certificatesLogged = 0
    private var suppressed: [Kind: Int] = [:]
    private var addresses: Set<String> = []
    private var certificatesSuppressed = 0

    init(window: TimeAmount, perWindow: Int = 20, certificatesPerWindow: Int = 100, now: NIODeadline) {
        self.window = window
        self.perWindow = perWindow
        self.certificatesPerWindow = certificatesPerWindow
        self.windowStart = now
    }

    /// A peer without an admitted certificate was refused: whether to log it one by one,
    /// and the summary of a window that ended before it, if any.
    mutating func refused(_ kind: Kind, address: String, now: NIODeadline) -> (logIt: Bool, summary: String?) {
        let summary = self.summary(now: now)
        if self.logged < self.perWindow {
            self.logged += 1
            return (true, summary)
        }
        self.suppressed[kind, default: 0] += 1
        if self.addresses.count < Self.maxAddresses { self.addresses.insert(address) }
        return (false, summary)
    }

    /// A certificate holder was refused: as ``refused(_:address:now:)``, on its own budget.
    mutating func certificateRefused(now: NIODeadline) -> (logIt: Bool, summary: String?) {
        let summary = self.summary(now: now)
        if self.certificatesLogged < self.certificatesPerWindow {
            self.certificatesLogged += 1
            return (true, summary)
        }
        self.certificatesSuppressed += 1
        return (false, summary)
    }

    /// Once the window has ended: the line that sums up what it did not log (nil when it
    /// logged everything), and a new window begins.
    mutating func summary(now: NIODeadline) -> String? {
        guard now - self.windowStart >= self.window else { return nil }
        defer {
            self.windowStart = now
            self.logged = 0
            self.certificatesLogged = 0
            self.suppressed = [:]
            self.addresses = []
            self.certificatesSuppressed = 0
        }
        let seconds = (now - self.windowStart).nanoseconds / 1_000_000_000
        var parts: [String] = []
        let total = self.suppressed.values.reduce(0, +)
        if total > 0 {
            let counted = self.addresses.count >= Self.maxAddresses ? "at least " : ""
            let kinds = self.suppressed.sorted { $0.key < $1.key }.map { "\(Self.grouped($0.value)) \($0.key.plural)" }
            parts.append(
                "… and \(Self.grouped(total)) more refused connections from \(counted)\(Self.grouped(self.addresses.count)) "
                    + "address\(self.addresses.count == 1 ? "" : "es") in the last \(seconds) s: " + kinds.joined(separator: ", ")
            )
        }
        if self.certificatesSuppressed > 0 {
            parts.append("… and \(Self.grouped(self.certificatesSuppressed)) more refused certificates in the last \(seconds) s")
        }
        return parts.isEmpty ? nil : parts.joined(separator: "; ")
    }

    /// `4,123`: a count with thousands separators.
    static func grouped(_ value: Int) -> String {
        var digits = String(value)
        var index = digits.endIndex
        while digits.distance(from: digits.startIndex, to: index) > 3 {
            index = digits.index(index, offsetBy: -3)
            digits.insert(",", at: index)
        }
        return digits
    }
}
