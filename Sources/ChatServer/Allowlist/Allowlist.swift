import IRC
import TLS

/// Which client certificates may connect, and under which nicknames.
///
/// Built from a file of `NICK FINGERPRINT` lines (see ``init(parsing:path:)``). A nick may
/// be bound to several fingerprints (one per device) and a fingerprint to several nicks
/// (one person's `alice` and `alice-bot`); the first nick bound to a certificate, in file
/// order, is its account name. Nicks compare under `CASEMAPPING=ascii`.
///
/// Lookups cost one or two hash probes plus the handful of lines that name the
/// certificate, whatever the size of the file.
public struct Allowlist: Sendable {
    /// One binding of a nick to a fingerprint, as written on a line of the file.
    public struct Entry: Hashable, Sendable {
        /// The nick as spelled in the file.
        public let nick: String
        public let fingerprint: Fingerprint
        /// The 1-based line it was read from.
        public let line: Int
    }

    /// The file this allowlist was read from, for messages.
    public let path: String
    /// Every distinct binding in file order; a repeated binding keeps its first line.
    public let entries: [Entry]

    /// Entries by fingerprint, each list in file order.
    private let entriesByFingerprint: [Fingerprint: [Entry]]
    /// Fingerprints by folded nick, in file order.
    private let fingerprintsByNick: [IRCName: [Fingerprint]]

    /// Indexes `entries`, dropping repeated bindings (same nick under the case mapping,
    /// same fingerprint).
    init(path: String, entries: [Entry]) {
        var seen = Set<Binding>()
        var kept: [Entry] = []
        var byFingerprint: [Fingerprint: [Entry]] = [:]
        var byNick: [IRCName: [Fingerprint]] = [:]
        for entry in entries where seen.insert(Binding(IRCName(entry.nick), entry.fingerprint)).inserted {
            kept.append(entry)
            byFingerprint[entry.fingerprint, default: []].append(entry)
            byNick[IRCName(entry.nick), default: []].append(entry.fingerprint)
        }
        self.path = path
        self.entries = kept
        self.entriesByFingerprint = byFingerprint
        self.fingerprintsByNick = byNick
    }

    /// True when no line binds anything: every client will be refused, which the server
    /// should warn about at startup.
    public var isEmpty: Bool { self.entries.isEmpty }

    /// Every nick bound to `certificate` by its certificate fingerprint or its public-key
    /// fingerprint, in file order, each once (the spelling of its first line).
    ///
    /// Empty means the certificate is not admitted. The first nick is the account name.
    public func nicks(for certificate: CertificateInfo) -> [String] {
        let byCertificate = self.entriesByFingerprint[certificate.fingerprint] ?? []
        let byPublicKey = self.entriesByFingerprint[certificate.publicKeyFingerprint] ?? []
        if byPublicKey.isEmpty { return Self.distinctNicks(byCertificate) }
        if byCertificate.isEmpty { return Self.distinctNicks(byPublicKey) }
        let merged = (byCertificate + byPublicKey).sorted { $0.line < $1.line }
        return Self.distinctNicks(merged)
    }

    /// Whether some line binds `nick` (under the case mapping) to `certificate`, by either
    /// of its fingerprints.
    public func isBound(nick: String, to certificate: CertificateInfo) -> Bool {
        self.fingerprints(boundTo: nick).contains { $0.matches(certificate) }
    }

    /// Whether any line admits `certificate`.
    public func admits(_ certificate: CertificateInfo) -> Bool {
        self.entriesByFingerprint[certificate.fingerprint] != nil
            || self.entriesByFingerprint[certificate.publicKeyFingerprint] != nil
    }

    /// The fingerprints bound to `nick` (under the case mapping), in file order; empty
    /// when the nick is not in the file.
    public func fingerprints(boundTo nick: String) -> [Fingerprint] {
        self.fingerprintsByNick[IRCName(nick)] ?? []
    }

    /// The line an administrator adds to admit `certificate`: `CN sha256:hex` when the
    /// certificate's common name is a valid nickname, otherwise `NICK sha256:hex` with the
    /// literal placeholder `NICK` to replace.
    public static func suggestedLine(for certificate: CertificateInfo) -> String {
        self.suggestedLine(commonName: certificate.commonName, fingerprint: certificate.fingerprint)
    }

    /// ``suggestedLine(for:)`` from the certificate's common name and fingerprint.
    static func suggestedLine(commonName: String?, fingerprint: Fingerprint) -> String {
        let nick = commonName.flatMap { IRCName.isValidNickname($0) ? $0 : nil } ?? "NICK"
        return "\(nick) \(fingerprint.description)"
    }

    private static func distinctNicks(_ entries: [Entry]) -> [String] {
        var seen = Set<IRCName>()
        return entries.compactMap { seen.insert(IRCName($0.nick)).inserted ? $0.nick : nil }
    }

    /// A nick and a fingerprint, compared with the nick folded.
    private struct Binding: Hashable {
        let nick: IRCName
        let fingerprint: Fingerprint
        init(_ nick: IRCName, _ fingerprint: Fingerprint) {
            self.nick = nick
            self.fingerprint = fingerprint
        }
    }
}
