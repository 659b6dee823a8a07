import Foundation
import TLS

/// Who a connection is, established by TLS and the allowlist before the hub sees it.
///
/// The hub trusts every field: the certificate was verified and the allowlist
/// consulted before ``HubState/connect(identity:now:)`` is called; an identity with no
/// bound nicks is refused there.
public struct ClientIdentity: Sendable, Hashable {
    /// SHA-256 of the client certificate (shown to its owner in WHOIS, RPL_WHOISCERTFP).
    public var certificateFingerprint: Fingerprint
    /// SHA-256 of the certificate's public key.
    public var publicKeyFingerprint: Fingerprint
    /// The certificate's subject common name, if it has one.
    public var commonName: String?
    /// When the certificate stops being valid; the hub warns at registration when this is near.
    public var certificateNotAfter: Date
    /// Nicks the allowlist binds to this certificate, file order; the first is the account.
    /// Empty when no line admits it.
    public var boundNicks: [String]
    /// The peer's IP address, used as the host part of its prefix (nick!user@host) and in WHOIS.
    public var host: String

    public init(
        certificateFingerprint: Fingerprint,
        publicKeyFingerprint: Fingerprint,
        commonName: String?,
        certificateNotAfter: Date,
        boundNicks: [String],
        host: String
    ) {
        self.certificateFingerprint = certificateFingerprint
        self.publicKeyFingerprint = publicKeyFingerprint
        self.commonName = commonName
        self.certificateNotAfter = certificateNotAfter
        self.boundNicks = boundNicks
        self.host = host
    }

    /// The allowlist line that would admit this certificate.
    var suggestedAllowlistLine: String {
        Allowlist.suggestedLine(commonName: commonName, fingerprint: certificateFingerprint)
    }
}
