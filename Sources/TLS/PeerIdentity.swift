/// Who is on the other end of a finished handshake, and how that was established.
public struct PeerIdentity: Hashable, Sendable {
    /// How the peer's certificate was checked.
    public enum Verification: Hashable, Sendable {
        /// The chain was verified against the configured CAs (and CRL, and name).
        case chainVerified
        /// Only the pin was checked; the chain was not (no trust roots configured).
        case pinned
        /// Nothing was checked: first contact, the caller must decide before sending.
        case unverified
    }

    /// The peer's leaf certificate.
    public let certificate: CertificateInfo
    public let verification: Verification
    /// The negotiated protocol, as OpenSSL names it (`TLSv1.3`).
    public let protocolVersion: String
    /// The negotiated cipher, as OpenSSL names it (`TLS_AES_128_GCM_SHA256`).
    public let cipher: String

    public init(certificate: CertificateInfo, verification: Verification, protocolVersion: String, cipher: String) {
        self.certificate = certificate
        self.verification = verification
        self.protocolVersion = protocolVersion
        self.cipher = cipher
    }
}
