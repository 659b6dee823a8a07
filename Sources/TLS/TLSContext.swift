import COpenSSL
import NIOCore

/// A configured OpenSSL `SSL_CTX` for one role, from which each connection's `SSL` is made.
///
/// Immutable once made, so it is shared across event loops (OpenSSL allows `SSL_new` on a
/// configured context from any thread). Reloading certificates means making a new context;
/// connections keep the one they started with.
public final class TLSContext: @unchecked Sendable {
    /// Which side of the handshake this context plays.
    public enum Role: Sendable { case server, client }

    let pointer: OpaquePointer
    public let role: Role
    /// This side's own certificate, if it has one (for expiry warnings and display).
    public let certificate: CertificateInfo?
    let handshakeTimeout: TimeAmount
    let shutdownTimeout: TimeAmount
    let nonTLSReply: String?
    /// Client only: the server must match one of these, when not empty.
    let pins: [Fingerprint]
    /// Client only: the server's chain is verified against trust roots.
    let verifiesServerChain: Bool

    /// TLS 1.2 suites: ECDHE key exchange and AEAD ciphers only.
    static let tls12Ciphers = [
        "ECDHE-ECDSA-AES128-GCM-SHA256", "ECDHE-RSA-AES128-GCM-SHA256",
        "ECDHE-ECDSA-AES256-GCM-SHA384", "ECDHE-RSA-AES256-GCM-SHA384",
        "ECDHE-ECDSA-CHACHA20-POLY1305", "ECDHE-RSA-CHACHA20-POLY1305",
    ].joined(separator: ":")
    static let tls13Suites = "TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256"

    /// Makes a server context: loads the certificate chain, key, client CAs and CRL.
    ///
    /// - Throws: ``TLSError`` naming the file and the fix for every unusable file, and
    ///   `.keyMismatch` when the key does not belong to the certificate.
    public convenience init(server configuration: TLSServerConfiguration) throws(TLSError) {
        let context = try Self.makeContext(method: TLS_server_method(), minimumVersion: configuration.minimumVersion)
        do throws(TLSError) {
            let certificate = try Self.useIdentity(
                context,
                certificatePath: configuration.certificatePath,
                keyPath: configuration.privateKeyPath,
                passphrase: configuration.privateKeyPassphrase
            )
            try Self.trustClientCAs(context, path: configuration.clientCAPath, crlPath: configuration.crlPath)
            // Every connection proves possession of its key: no tickets, no session cache.
            _ = SSL_CTX_set_options(context, COpenSSL_SSL_OP_NO_TICKET | COpenSSL_SSL_OP_CIPHER_SERVER_PREFERENCE)
            _ = COpenSSL_SSL_CTX_set_session_cache_mode(context, Int(SSL_SESS_CACHE_OFF))
            _ = SSL_CTX_set_num_tickets(context, 0)
            SSL_CTX_set_verify(context, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, serverVerifyCallback)
            self.init(
                pointer: context,
                role: .server,
                certificate: certificate,
                handshakeTimeout: configuration.handshakeTimeout,
                shutdownTimeout: configuration.shutdownTimeout,
                nonTLSReply: configuration.nonTLSReply,
                pins: [],
                verifiesServerChain: false
            )
        } catch {
            SSL_CTX_free(context)
            throw error
        }
    }

    /// Makes a client context: loads the client's certificate and key (if any) and the way
    /// the server is to be recognised.
    ///
    /// - Throws: ``TLSError``; `.invalidConfiguration` when neither trust roots nor pins are
    ///   given and first contact is not allowed.
    public convenience init(client configuration: TLSClientConfiguration) throws(TLSError) {
        guard configuration.trustRootsPath != nil || !configuration.pins.isEmpty
            || configuration.acceptsAnyServerForFirstContact
        else {
            throw TLSError(
                .invalidConfiguration,
                "the client must recognise the server: give a pin (sha256//BASE64 or sha256:HEX) or a CA bundle"
            )
        }
        let context = try Self.makeContext(method: TLS_client_method(), minimumVersion: configuration.minimumVersion)
        do throws(TLSError) {
            var certificate: CertificateInfo?
            switch (configuration.certificatePath, configuration.privateKeyPath) {
            case (let certificatePath?, let keyPath?):
                certificate = try Self.useIdentity(
                    context,
                    certificatePath: certificatePath,
                    keyPath: keyPath,
                    passphrase: configuration.privateKeyPassphrase
                )
            case (nil, nil):
                certificate = nil
            default:
                throw TLSError(.invalidConfiguration, "a client certificate needs its private key, and a key its certificate")
            }
            if let roots = configuration.trustRootsPath {
                let store = try Self.makeStore(path: roots)
                SSL_CTX_set_cert_store(context, store)
            }
            SSL_CTX_set_verify(context, SSL_VERIFY_PEER, nil)
            SSL_CTX_set_cert_verify_callback(context, clientCertificateVerifyCallback, nil)
            self.init(
                pointer: context,
                role: .client,
                certificate: certificate,
                handshakeTimeout: configuration.handshakeTimeout,
                shutdownTimeout: configuration.shutdownTimeout,
                nonTLSReply: nil,
                pins: configuration.pins,
                verifiesServerChain: configuration.trustRootsPath != nil
            )
        } catch {
            SSL_CTX_free(context)
            throw error
        }
    }

    private init(
        pointer: OpaquePointer,
        role: Role,
        certificate: CertificateInfo?,
        handshakeTimeout: TimeAmount,
        shutdownTimeout: TimeAmount,
        nonTLSReply: String?,
        pins: [Fingerprint],
        verifiesServerChain: Bool
    ) {
        self.pointer = pointer
        self.role = role
        self.certificate = certificate
        self.handshakeTimeout = handshakeTimeout
        self.shutdownTimeout = shutdownTimeout
        self.nonTLSReply = nonTLSReply
        self.pins = pins
        self.verifiesServerChain = verifiesServerChain
    }

    deinit { SSL_CTX_free(self.pointer) }

    // MARK: building blocks

    /// A context with SecureChat's protocol policy: TLS 1.3 (or 1.2 with ECDHE+AEAD), no
    /// compression, no renegotiation, buffers released while idle.
    private static func makeContext(
        method: OpaquePointer?,
        minimumVersion: TLSMinimumVersion
    ) throws(TLSError) -> OpaquePointer {
        OpenSSLErrorQueue.clear()
        guard let context = SSL_CTX_new(method) else {
            throw TLSError(.invalidConfiguration, "cannot create a TLS context", openSSLErrors: OpenSSLErrorQueue.drain())
        }
        let version = minimumVersion == .tls13 ? TLS1_3_VERSION : TLS1_2_VERSION
        let configured =
            COpenSSL_SSL_CTX_set_min_proto_version(context, version) == 1
            && SSL_CTX_set_cipher_list(context, tls12Ciphers) == 1
            && SSL_CTX_set_ciphersuites(context, tls13Suites) == 1
            && COpenSSL_SSL_CTX_set1_groups_list(context, "X25519:P-256:P-384") == 1
        guard configured else {
            let errors = OpenSSLErrorQueue.drain()
            SSL_CTX_free(context)
            throw TLSError(.invalidConfiguration, "this OpenSSL rejects SecureChat's protocol settings", openSSLErrors: errors)
        }
        _ = SSL_CTX_set_options(context, COpenSSL_SSL_OP_NO_COMPRESSION | COpenSSL_SSL_OP_NO_RENEGOTIATION)
        // Send exactly the chain in the certificate file: without NO_AUTO_CHAIN OpenSSL would
        // build one from the verify store (for a server, the client CAs) and send the root too.
        _ = COpenSSL_SSL_CTX_set_mode(context, Int(SSL_MODE_RELEASE_BUFFERS | SSL_MODE_NO_AUTO_CHAIN))
        return context
    }

    /// Installs a certificate chain and its key, and checks that they belong together.
    private static func useIdentity(
        _ context: OpaquePointer,
        certificatePath: String,
        keyPath: String,
        passphrase: String?
    ) throws(TLSError) -> CertificateInfo {
        let certificates = try PEMFile(path: certificatePath, expecting: .certificate).certificates()
        defer { certificates.forEach { X509_free($0) } }
        let key = try PEMFile(path: keyPath, expecting: .privateKey).privateKey(passphrase: passphrase)
        defer { EVP_PKEY_free(key) }
        let leaf = certificates[0]
        OpenSSLErrorQueue.clear()
        guard X509_check_private_key(leaf, key) == 1 else {
            throw TLSError(
                .keyMismatch,
                "private key \(keyPath) does not belong to certificate \(certificatePath); use the key the certificate was issued for",
                openSSLErrors: OpenSSLErrorQueue.drain()
            )
        }
        var installed = SSL_CTX_use_certificate(context, leaf) == 1 && SSL_CTX_use_PrivateKey(context, key) == 1
        for intermediate in certificates.dropFirst() where installed {
            installed = COpenSSL_SSL_CTX_add1_chain_cert(context, intermediate) == 1
        }
        guard installed else {
            throw TLSError(
                .invalidConfiguration,
                "OpenSSL refused certificate \(certificatePath) with key \(keyPath)",
                openSSLErrors: OpenSSLErrorQueue.drain()
            )
        }
        return try CertificateInfo(leaf)
    }

    /// Requires client certificates to chain to the CAs in `path`, and checks them against
    /// the CRL when one is given.
    private static func trustClientCAs(_ context: OpaquePointer, path: String, crlPath: String?) throws(TLSError) {
        let store = try makeStore(path: path)
        SSL_CTX_set_cert_store(context, store)
        // Tell clients which CAs are acceptable, so they pick the right certificate.
        let certificates = try PEMFile(path: path, expecting: .certificate).certificates()
        defer { certificates.forEach { X509_free($0) } }
        for certificate in certificates {
            _ = SSL_CTX_add_client_CA(context, certificate)
        }
        if let crlPath {
            let crl = try PEMFile(path: crlPath, expecting: .crl).crl()
            defer { X509_CRL_free(crl) }
            OpenSSLErrorQueue.clear()
            guard X509_STORE_add_crl(store, crl) == 1 else {
                throw TLSError(.invalidPEM, "OpenSSL refused CRL \(crlPath)", openSSLErrors: OpenSSLErrorQueue.drain())
            }
            _ = X509_STORE_set_flags(store, UInt(X509_V_FLAG_CRL_CHECK))
        }
    }

    /// A certificate store holding every certificate of a PEM bundle.
    private static func makeStore(path: String) throws(TLSError) -> OpaquePointer {
        let certificates = try PEMFile(path: path, expecting: .certificate).certificates()
        defer { certificates.forEach { X509_free($0) } }
        OpenSSLErrorQueue.clear()
        guard let store = X509_STORE_new() else {
            throw TLSError(.invalidConfiguration, "cannot create a certificate store", openSSLErrors: OpenSSLErrorQueue.drain())
        }
        for certificate in certificates where X509_STORE_add_cert(store, certificate) != 1 {
            let errors = OpenSSLErrorQueue.drain()
            X509_STORE_free(store)
            throw TLSError(.invalidPEM, "OpenSSL refused a certificate in \(path)", openSSLErrors: errors)
        }
        return store
    }
}
