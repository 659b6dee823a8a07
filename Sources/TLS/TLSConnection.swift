import COpenSSL
import NIOCore

/// One OpenSSL `SSL` object over a pair of memory BIOs: ciphertext goes in with ``feed(_:)``
/// and comes out with ``takeOutput(allocator:)``; plaintext goes through ``write(_:)`` and
/// ``read(into:)``.
///
/// Owns the `SSL` and frees it in `deinit`. Not thread-safe: used only from its channel's
/// event loop. Every OpenSSL call clears the thread's error queue first and drains it into
/// the returned error on failure.
final class TLSConnection {
    /// The result of one OpenSSL operation.
    enum Outcome<Value> {
        /// Done.
        case complete(Value)
        /// OpenSSL needs more bytes from the peer (WANT_READ/WANT_WRITE).
        case incomplete
        /// The peer sent close_notify.
        case closed
        case failed(TLSError)
    }

    let context: TLSContext
    private let ssl: OpaquePointer
    /// Why the verify callback refused the peer; more precise than OpenSSL's generic error.
    fileprivate var verificationFailure: TLSError?
    /// Whether the handshake has completed. Not `SSL_is_init_finished`: after a fatal error
    /// OpenSSL marks the connection as in its handshake again.
    private var handshakeCompleted = false

    /// A memory BIO that has grown past this many bytes is replaced once it is empty, so an
    /// idle connection does not keep the buffers of its largest burst.
    private static let retainedBufferLimit = 1024

    /// The ex_data slot through which C callbacks find this object.
    static let exDataIndex: Int32 = COpenSSL_SSL_get_ex_new_index()

    /// - Parameter serverName: client only: the host name or IP address the server's
    ///   certificate must match (when verifying by CA); a host name is also sent as SNI.
    init(context: TLSContext, serverName: String?) throws(TLSError) {
        OpenSSLErrorQueue.clear()
        guard let ssl = SSL_new(context.pointer) else {
            throw TLSError(.handshakeFailed, "cannot create a TLS connection", openSSLErrors: OpenSSLErrorQueue.drain())
        }
        self.context = context
        self.ssl = ssl
        SSL_set_bio(ssl, Self.makeBIO(), Self.makeBIO())
        switch context.role {
        case .server:
            SSL_set_accept_state(ssl)
        case .client:
            SSL_set_connect_state(ssl)
            if let serverName {
                try self.expectServer(named: serverName)
            }
        }
        // Unretained: the SSL object is freed in deinit, and callbacks only run inside calls
        // this object makes.
        SSL_set_ex_data(ssl, Self.exDataIndex, Unmanaged.passUnretained(self).toOpaque())
    }

    deinit { SSL_free(self.ssl) }

    private static func makeBIO() -> OpaquePointer? {
        let bio = BIO_new(BIO_s_mem())
        // An empty memory BIO means "no data yet" (retry), not end of file.
        if let bio { _ = COpenSSL_BIO_set_mem_eof_return(bio, -1) }
        return bio
    }

    private func expectServer(named name: String) throws(TLSError) {
        let isAddress = IPAddressText.isAddress(name)
        OpenSSLErrorQueue.clear()
        if !isAddress {
            _ = COpenSSL_SSL_set_tlsext_host_name(self.ssl, name)
        }
        guard self.context.verifiesServerChain else { return }
        let accepted =
            isAddress
            ? X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(self.ssl), name) == 1
            : SSL_set1_host(self.ssl, name) == 1
        guard accepted else {
            throw TLSError(.invalidConfiguration, "'\(name)' is not a usable server name", openSSLErrors: OpenSSLErrorQueue.drain())
        }
    }

    // MARK: operations

    /// Hands ciphertext received from the peer to OpenSSL.
    func feed(_ buffer: ByteBuffer) {
        buffer.withUnsafeReadableBytes { bytes in
            var offset = 0
            while offset < bytes.count {
                let written = BIO_write(SSL_get_rbio(self.ssl), bytes.baseAddress! + offset, Int32(bytes.count - offset))
                guard written > 0 else { break }  // a memory BIO only fails when out of memory
                offset += Int(written)
            }
        }
    }

    /// Advances the handshake as far as the bytes fed so far allow.
    func handshake() -> Outcome<Void> {
        OpenSSLErrorQueue.clear()
        let result = SSL_do_handshake(self.ssl)
        guard result == 1 else { return self.outcome(of: result) }
        self.handshakeCompleted = true
        return .complete(())
    }

    /// Decrypts as much application data as is available, appending it to `buffer`.
    /// `.complete` means the input is used up; `.closed` that the peer sent close_notify
    /// (data before it is still appended).
    func read(into buffer: inout ByteBuffer) -> Outcome<Void> {
        while true {
            if buffer.writableBytes < 1024 {
                buffer.reserveCapacity(minimumWritableBytes: max(buffer.capacity, 4096))
            }
            OpenSSLErrorQueue.clear()
            var count = 0
            let result = buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: 0) { space in
                let status = SSL_read_ex(self.ssl, space.baseAddress, space.count, &count)
                return status == 1 ? count : 0
            }
            if result > 0 { continue }
            switch self.outcome(of: 0) as Outcome<Void> {
            case .incomplete: return .complete(())
            case .complete: return .complete(())
            case .closed: return .closed
            case .failed(let error): return .failed(error)
            }
        }
    }

    /// Encrypts all of `buffer`.
    func write(_ buffer: ByteBuffer) -> Outcome<Void> {
        var remaining = buffer
        while remaining.readableBytes > 0 {
            OpenSSLErrorQueue.clear()
            var written = 0
            let status = remaining.withUnsafeReadableBytes { bytes in
                SSL_write_ex(self.ssl, bytes.baseAddress, bytes.count, &written)
            }
            guard status == 1 else { return self.outcome(of: status) }
            remaining.moveReaderIndex(forwardBy: written)
        }
        return .complete(())
    }

    /// Sends close_notify. `.complete(true)` when the peer's close_notify had arrived too.
    func shutdown() -> Outcome<Bool> {
        OpenSSLErrorQueue.clear()
        let result = SSL_shutdown(self.ssl)
        switch result {
        case 1: return .complete(true)
        case 0: return .complete(false)
        default: return self.outcome(of: result)
        }
    }

    /// Ciphertext waiting to be sent to the peer, if any.
    func takeOutput(allocator: ByteBufferAllocator) -> ByteBuffer? {
        guard let bio = SSL_get_wbio(self.ssl) else { return nil }
        let pending = BIO_ctrl_pending(bio)
        guard pending > 0 else { return nil }
        var buffer = allocator.buffer(capacity: pending)
        buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: pending) { space in
            Int(max(0, BIO_read(bio, space.baseAddress, Int32(pending))))
        }
        self.releaseIfLarge(bio, replace: { SSL_set0_wbio(self.ssl, $0) })
        return buffer
    }

    /// Frees the input buffer if it grew large and is now empty.
    func releaseIdleInput() {
        guard let bio = SSL_get_rbio(self.ssl) else { return }
        self.releaseIfLarge(bio, limit: Self.retainedBufferLimit, replace: { SSL_set0_rbio(self.ssl, $0) })
    }

    /// Frees both memory buffers once the handshake is done (when empty): they grew to the
    /// size of its flights, which an idle connection should not keep.
    func releaseHandshakeBuffers() {
        if let bio = SSL_get_rbio(self.ssl) {
            self.releaseIfLarge(bio, limit: 0, replace: { SSL_set0_rbio(self.ssl, $0) })
        }
        if let bio = SSL_get_wbio(self.ssl) {
            self.releaseIfLarge(bio, limit: 0, replace: { SSL_set0_wbio(self.ssl, $0) })
        }
    }

    private func releaseIfLarge(_ bio: OpaquePointer, limit: Int = retainedBufferLimit, replace: (OpaquePointer) -> Void) {
        guard BIO_ctrl_pending(bio) == 0 else { return }
        var memory: UnsafeMutablePointer<BUF_MEM>?
        _ = COpenSSL_BIO_get_mem_ptr(bio, &memory)
        guard let memory, memory.pointee.max > limit, let fresh = Self.makeBIO() else { return }
        replace(fresh)  // frees the old BIO
    }

    // MARK: identity

    /// The peer's identity; valid once the handshake has completed.
    func peerIdentity() -> PeerIdentity? {
        guard let certificate = SSL_get0_peer_certificate(self.ssl),
            let info = try? CertificateInfo(certificate)
        else { return nil }
        let verification: PeerIdentity.Verification
        switch self.context.role {
        case .server: verification = .chainVerified
        case .client:
            if self.context.verifiesServerChain {
                verification = .chainVerified
            } else if !self.context.pins.isEmpty {
                verification = .pinned
            } else {
                verification = .unverified
            }
        }
        let version = SSL_get_version(self.ssl).map { String(cString: $0) } ?? "unknown"
        let cipher = SSL_CIPHER_get_name(SSL_get_current_cipher(self.ssl)).map { String(cString: $0) } ?? "unknown"
        return PeerIdentity(certificate: info, verification: verification, protocolVersion: version, cipher: cipher)
    }

    /// Server side: verifies the peer's certificate and chain again, against `context`'s
    /// client CAs and CRL (after a reload). Returns why it is no longer accepted, or nil.
    func reverifyPeer(against context: TLSContext) -> TLSError? {
        guard let certificate = SSL_get0_peer_certificate(self.ssl) else {
            return TLSError(.certificateRejected, "the connection has no peer certificate")
        }
        OpenSSLErrorQueue.clear()
        guard let store = SSL_CTX_get_cert_store(context.pointer), let storeContext = X509_STORE_CTX_new() else {
            return TLSError(.certificateRejected, "cannot verify the peer certificate", openSSLErrors: OpenSSLErrorQueue.drain())
        }
        defer { X509_STORE_CTX_free(storeContext) }
        // On a server the peer chain excludes the leaf; it supplies any intermediates.
        guard X509_STORE_CTX_init(storeContext, store, certificate, SSL_get_peer_cert_chain(self.ssl)) == 1,
            X509_STORE_CTX_set_default(storeContext, "ssl_client") == 1
        else {
            return TLSError(.certificateRejected, "cannot verify the peer certificate", openSSLErrors: OpenSSLErrorQueue.drain())
        }
        if X509_verify_cert(storeContext) == 1 { return nil }
        let error = X509_STORE_CTX_get_error(storeContext)
        let text = X509_verify_cert_error_string(Int(error)).map { String(cString: $0) } ?? "error \(error)"
        OpenSSLErrorQueue.clear()
        return TLSError(.certificateRejected, "client certificate no longer accepted: \(text)")
    }

    // MARK: errors

    /// Classifies a failed OpenSSL call; must run right after it, on the same thread.
    private func outcome<Value>(of result: Int32) -> Outcome<Value> {
        let code = SSL_get_error(self.ssl, result)
        switch code {
        case SSL_ERROR_WANT_READ, SSL_ERROR_WANT_WRITE:
            return .incomplete
        case SSL_ERROR_ZERO_RETURN:
            return .closed
        default:
            return .failed(self.classifyFailure())
        }
    }

    private func classifyFailure() -> TLSError {
        let (reason, messages) = OpenSSLErrorQueue.drainWithReason()
        if let failure = self.verificationFailure {
            return TLSError(failure.code, failure.reason, openSSLErrors: messages)
        }
        switch reason {
        case SSL_R_PEER_DID_NOT_RETURN_A_CERTIFICATE?:
            return TLSError(.certificateRequired, "the client sent no certificate; a certificate is required", openSSLErrors: messages)
        case SSL_R_UNSUPPORTED_PROTOCOL?:
            return TLSError(.unsupportedProtocol, "the peer offered only TLS versions this side refuses", openSSLErrors: messages)
        case let alert? where alert > SSL_AD_REASON_OFFSET && alert < SSL_AD_REASON_OFFSET + 256:
            let text = messages.last ?? "alert \(alert - SSL_AD_REASON_OFFSET)"
            return TLSError(.rejectedByPeer, "the peer refused the connection: \(text)", openSSLErrors: messages)
        default:
            if !self.handshakeCompleted {
                return TLSError(.handshakeFailed, "TLS handshake failed", openSSLErrors: messages)
            }
            return TLSError(.protocolError, "TLS protocol error", openSSLErrors: messages)
        }
    }

    // MARK: verification (called from OpenSSL's callbacks)

    /// Server side: remembers why a client certificate was refused, naming it.
    fileprivate func recordClientCertificateFailure(_ store: OpaquePointer) {
        guard self.verificationFailure == nil else { return }
        let error = X509_STORE_CTX_get_error(store)
        let text = X509_verify_cert_error_string(Int(error)).map { String(cString: $0) } ?? "error \(error)"
        var subject = "the client certificate"
        if let certificate = X509_STORE_CTX_get_current_cert(store), let info = try? CertificateInfo(certificate) {
            subject = "client certificate CN=\(info.commonName ?? "?") \(info.fingerprint)"
        }
        self.verificationFailure = TLSError(.certificateRejected, "\(subject) refused: \(text)")
    }

    /// Client side: verifies the server's chain (when trust roots are configured) and pins.
    fileprivate func verifyServer(_ store: OpaquePointer) -> Bool {
        if self.context.verifiesServerChain, X509_verify_cert(store) != 1 {
            let error = X509_STORE_CTX_get_error(store)
            let text = X509_verify_cert_error_string(Int(error)).map { String(cString: $0) } ?? "error \(error)"
            self.verificationFailure = TLSError(.certificateRejected, "server certificate refused: \(text)")
            return false
        }
        guard !self.context.pins.isEmpty else { return true }
        guard let leaf = X509_STORE_CTX_get0_cert(store), let presented = try? CertificateInfo(leaf) else {
            self.verificationFailure = TLSError(.pinMismatch, "the server presented no usable certificate")
            return false
        }
        if self.context.pins.contains(where: { $0.matches(presented) }) { return true }
        let expected = self.context.pins.map(\.description).joined(separator: " or ")
        self.verificationFailure = TLSError(
            .pinMismatch,
            "server key does not match the pin: expected \(expected), "
                + "presented \(presented.publicKeyFingerprint) (certificate \(presented.fingerprint))"
        )
        X509_STORE_CTX_set_error(store, X509_V_ERR_APPLICATION_VERIFICATION)
        return false
    }

    /// The connection an `SSL *` belongs to, from inside a callback.
    fileprivate static func from(store: OpaquePointer?) -> TLSConnection? {
        guard let store,
            let ssl = X509_STORE_CTX_get_ex_data(store, SSL_get_ex_data_X509_STORE_CTX_idx()),
            let object = SSL_get_ex_data(OpaquePointer(ssl), exDataIndex)
        else { return nil }
        return Unmanaged<TLSConnection>.fromOpaque(object).takeUnretainedValue()
    }
}

/// OpenSSL's per-certificate verify callback on the server: keeps OpenSSL's verdict and
/// records the reason of a refusal.
let serverVerifyCallback: @convention(c) (Int32, OpaquePointer?) -> Int32 = { preverified, store in
    if preverified != 1, let store, let connection = TLSConnection.from(store: store) {
        connection.recordClientCertificateFailure(store)
    }
    return preverified
}

/// The client's whole-chain verify callback: chain (optional) then pins.
let clientCertificateVerifyCallback: @convention(c) (OpaquePointer?, UnsafeMutableRawPointer?) -> Int32 = { store, _ in
    guard let store, let connection = TLSConnection.from(store: store) else { return 0 }
    return connection.verifyServer(store) ? 1 : 0
}

/// Recognises IPv4 and IPv6 address literals.
enum IPAddressText {
    static func isAddress(_ text: String) -> Bool {
        (try? SocketAddress(ipAddress: text, port: 0)) != nil
    }
}
