import Foundation
import TLS

extension TestIdentity {
    /// The certificate's facts as the TLS module reads them.
    public func info() throws -> CertificateInfo {
        try CertificateInfo(contentsOf: self.certificatePath.path(percentEncoded: false))
    }
}

extension TestPKI {
    /// A server configuration using this PKI's server identity and CA.
    public func serverConfiguration(crl: URL? = nil) -> TLSServerConfiguration {
        TLSServerConfiguration(
            certificatePath: self.server.certificatePath.path(percentEncoded: false),
            privateKeyPath: self.server.keyPath.path(percentEncoded: false),
            clientCAPath: self.ca.certificatePath.path(percentEncoded: false),
            crlPath: crl?.path(percentEncoded: false)
        )
    }

    public func serverContext(crl: URL? = nil) throws -> TLSContext {
        try TLSContext(server: self.serverConfiguration(crl: crl))
    }

    /// A client configuration presenting `identity` (none when nil) that recognises the
    /// server by `pins`, or by this PKI's CA when `verifyByCA`.
    public func clientConfiguration(
        _ identity: TestIdentity?,
        pins: [Fingerprint] = [],
        verifyByCA: Bool = false
    ) -> TLSClientConfiguration {
        TLSClientConfiguration(
            certificatePath: identity?.certificatePath.path(percentEncoded: false),
            privateKeyPath: identity?.keyPath.path(percentEncoded: false),
            trustRootsPath: verifyByCA ? self.ca.certificatePath.path(percentEncoded: false) : nil,
            pins: pins
        )
    }

    /// A client context for `nick` pinned to the server's public key.
    public func clientContext(_ nick: String) throws -> TLSContext {
        try TLSContext(client: self.clientConfiguration(self.client(nick), pins: [self.server.info().publicKeyFingerprint]))
    }
}
