import NIOCore

/// The oldest TLS version a side accepts.
public enum TLSMinimumVersion: String, Sendable, CaseIterable {
    /// TLS 1.3 only: the default.
    case tls13 = "1.3"
    /// TLS 1.2 and 1.3. With 1.2, only ECDHE key exchange with AEAD ciphers is offered.
    case tls12 = "1.2"
}

/// How a TLS server is set up: its identity, and whom it lets in.
///
/// A client certificate is always required and must chain to `clientCAPath`; there is no
/// setting to turn that off.
public struct TLSServerConfiguration: Sendable {
    /// PEM file with the server certificate, optionally followed by intermediate certificates.
    public var certificatePath: String
    /// PEM file with the server's private key; must not be accessible to group or others.
    public var privateKeyPath: String
    /// Passphrase of an encrypted private key.
    public var privateKeyPassphrase: String?
    /// PEM bundle of the CA certificates that client certificates must chain to.
    public var clientCAPath: String
    /// PEM CRL of revoked client certificates, checked on every handshake.
    public var crlPath: String?
    public var minimumVersion: TLSMinimumVersion = .tls13
    /// Connections that have not finished the handshake within this time are closed.
    public var handshakeTimeout: TimeAmount = .seconds(10)
    /// How long to wait for the peer's close_notify after sending ours.
    public var shutdownTimeout: TimeAmount = .seconds(3)
    /// Bytes written in the clear to a peer whose first bytes are not TLS, before closing;
    /// lets a plaintext client show a readable reason.
    public var nonTLSReply: String?

    public init(certificatePath: String, privateKeyPath: String, clientCAPath: String, crlPath: String? = nil) {
        self.certificatePath = certificatePath
        self.privateKeyPath = privateKeyPath
        self.clientCAPath = clientCAPath
        self.crlPath = crlPath
    }
}

/// How a TLS client is set up: its own identity, and how it recognises the server.
///
/// The server is verified by a CA bundle plus its name, by pins, or by both; at least one
/// of `trustRootsPath` and `pins` is required.
public struct TLSClientConfiguration: Sendable {
    /// PEM file with the client certificate presented to the server.
    public var certificatePath: String?
    /// PEM file with the client's private key; must not be accessible to group or others.
    public var privateKeyPath: String?
    public var privateKeyPassphrase: String?
    /// PEM bundle of CAs the server's certificate must chain to; the name in `serverName`
    /// (a host name or an IP address) must then match the certificate.
    public var trustRootsPath: String?
    /// Accepted server fingerprints; the server matches when any one matches. Several pins
    /// allow key rotation.
    public var pins: [Fingerprint]
    /// Accept any server certificate and leave the decision to the caller after the
    /// handshake, which reads ``PeerIdentity`` before sending anything (first contact).
    public var acceptsAnyServerForFirstContact: Bool = false
    public var minimumVersion: TLSMinimumVersion = .tls13
    public var handshakeTimeout: TimeAmount = .seconds(10)
    public var shutdownTimeout: TimeAmount = .seconds(3)

    public init(
        certificatePath: String?,
        privateKeyPath: String?,
        trustRootsPath: String? = nil,
        pins: [Fingerprint] = []
    ) {
        self.certificatePath = certificatePath
        self.privateKeyPath = privateKeyPath
        self.trustRootsPath = trustRootsPath
        self.pins = pins
    }
}
