import COpenSSL
import NIOCore

/// One OpenSSL `SSL` object over a BIO of `ByteBuffer`s: ciphertext goes in with
/// ``feed(_:)`` and comes out with ``takeOutput()``; plaintext goes through
/// ``write(_:)`` and ``read(into:)``.
///
/// The BIO (``ciphertextBIOMethod``) reads straight from the buffers NIO read, without
/// copying them first, and writes into one `ByteBuffer` that goes to the socket as it is.
/// A pair of memory BIOs would copy every byte once more each way, grow and zero its
/// buffer by doubling for each flush, and keep that buffer while the connection idles.
///
/// Owns the `SSL` and frees it in `deinit`. Not thread-safe: used by one thread at a time,
/// its channel's event loop, or a handshake job holding it (``TLSConnectionLoan``). Every OpenSSL call clears the thread's error queue first and drains it into
/// the returned error on failure.
final class TLSConnection {
    /// The result of one OpenSSL operation.
    enum Outcome<Value: Sendable>: Sendable {
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

    /// Ciphertext from the peer that OpenSSL has not read yet; nil when there is none, so
    /// an idle connection keeps no buffer.
    private var input: ByteBuffer?
    /// Ciphertext OpenSSL wrote, until ``takeOutput()``.
    private var output: ByteBuffer?
    private static let allocator = ByteBufferAllocator()

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
        switch context.role {
        case .server:
            SSL_set_accept_state(ssl)
        case .client:
            SSL_set_connect_state(ssl)
            if let serverName {
                try self.expectServer(named: serverName)
            }
        }
        // Unretained: the SSL object (and with it the BIO) is freed in deinit, and callbacks
        // only run inside calls this object makes.
        let unretained = Unmanaged.passUnretained(self).toOpaque()
        SSL_set_ex_data(ssl, Self.exDataIndex, unretained)
        guard let method = ciphertextBIOMethod, let bio = BIO_new(method) else {
            throw TLSError(.handshakeFailed, "cannot create a TLS connection", openSSLErrors: OpenSSLErrorQueue.drain())
        }
        BIO_set_data(bio, unretained)
        BIO_set_init(bio, 1)
        SSL_set_bio(ssl, bio, bio)  // one BIO both ways: SSL_free frees it once
    }

    deinit { SSL_free(self.ssl) }

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

    /// Hands ciphertext received from the peer to OpenSSL: kept as it is, without a copy.
    ///
    /// OpenSSL reads all of it before it asks for more: an incomplete record is copied into
    /// its own read buffer, so the buffer NIO read into is not held while the rest is on its
    /// way. Bytes are left here only after a failure or the peer's close_notify.
    func feed(_ buffer: ByteBuffer) {
        guard buffer.readableBytes > 0 else { return }
        if var input = self.input.take() {
            input.writeImmutableBuffer(buffer)  // unique once taken: no copy first
            self.input = input
        } else {
            self.input = buffer
        }
    }

    /// For OpenSSL's BIO reads: copies up to `space.count` bytes of waiting ciphertext.
    fileprivate func readInput(into space: UnsafeMutableRawBufferPointer) -> Int {
        guard var input = self.input.take() else { return 0 }
        let count = min(space.count, input.readableBytes)
        input.withUnsafeReadableBytes { bytes in
            space.copyMemory(from: UnsafeRawBufferPointer(rebasing: bytes.prefix(count)))
        }
        input.moveReaderIndex(forwardBy: count)
        self.input = input.readableBytes == 0 ? nil : input
        return count
    }

    /// For OpenSSL's BIO writes: appends ciphertext to the output.
    fileprivate func appendOutput(_ bytes: UnsafeRawBufferPointer) {
        // Taken out, so that the buffer is unique while it is written (no copy).
        var output = self.output.take() ?? Self.allocator.buffer(capacity: max(bytes.count, 1024))
        output.writeBytes(bytes)
        self.output = output
    }

    /// Makes room for `count` more bytes of output. In a function of its own, so that no
    /// second reference to the buffer outlives it: the writes that follow would copy it.
    private func reserveOutput(_ count: Int) {
        var output = self.output.take() ?? Self.allocator.buffer(capacity: count)
        output.reserveCapacity(minimumWritableBytes: count)
        self.output = output
    }

    fileprivate var pendingInput: Int { self.input?.readableBytes ?? 0 }
    fileprivate var pendingOutput: Int { self.output?.readableBytes ?? 0 }

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

    /// Encrypts all of `buffer`: `.complete` or `.failed`, never `.incomplete`.
    ///
    /// The BIO takes every byte OpenSSL writes and renegotiation is off, so OpenSSL has no
    /// reason to stop part-way; if it ever asked to, the rest would be lost while the write
    /// looked done, so that is a failure.
    func write(_ buffer: ByteBuffer) -> Outcome<Void> {
        // Room for the records up front (each adds at most 32 bytes to up to 16 KiB of
        // plaintext), so the output does not grow by doubling while OpenSSL writes it.
        self.reserveOutput(buffer.readableBytes + 32 * (buffer.readableBytes / 16_384 + 1))
        var remaining = buffer
        while remaining.readableBytes > 0 {
            OpenSSLErrorQueue.clear()
            var written = 0
            let status = remaining.withUnsafeReadableBytes { bytes in
                SSL_write_ex(self.ssl, bytes.baseAddress, bytes.count, &written)
            }
            guard status == 1 else {
                switch self.outcome(of: status) as Outcome<Void> {
                case .incomplete:
                    return .failed(TLSError(.protocolError, "OpenSSL stopped part-way through a write"))
                case let outcome:
                    return outcome
                }
            }
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
    func takeOutput() -> ByteBuffer? {
        defer { self.output = nil }
        guard let output = self.output, output.readableBytes > 0 else { return nil }
        return output
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

/// The BIO under every ``TLSConnection``: reads come from its input buffers, writes go to
/// its output buffer. Created once; OpenSSL only reads it afterwards.
nonisolated(unsafe) private let ciphertextBIOMethod: OpaquePointer? = {
    guard let method = BIO_meth_new(BIO_get_new_index() | BIO_TYPE_SOURCE_SINK, "SecureChat ByteBuffer") else { return nil }
    _ = BIO_meth_set_read_ex(method) { bio, data, count, read in
        guard let bio, let data, let connection = TLSConnection.from(bio: bio) else { return 0 }
        COpenSSL_BIO_clear_retry_flags(bio)
        let copied = connection.readInput(into: UnsafeMutableRawBufferPointer(start: data, count: count))
        guard copied > 0 else {
            // Nothing yet: "try again", not end of file.
            COpenSSL_BIO_set_retry_read(bio)
            return 0
        }
        read?.pointee = copied
        return 1
    }
    _ = BIO_meth_set_write_ex(method) { bio, data, count, written in
        guard let bio, let data, let connection = TLSConnection.from(bio: bio) else { return 0 }
        COpenSSL_BIO_clear_retry_flags(bio)
        connection.appendOutput(UnsafeRawBufferPointer(start: data, count: count))
        written?.pointee = count
        return 1
    }
    _ = BIO_meth_set_ctrl(method) { bio, command, _, _ in
        guard let bio, let connection = TLSConnection.from(bio: bio) else { return 0 }
        switch command {
        case BIO_CTRL_FLUSH: return 1  // the handler sends the output after every call
        case BIO_CTRL_PENDING: return Int(connection.pendingInput)
        case BIO_CTRL_WPENDING: return Int(connection.pendingOutput)
        default: return 0
        }
    }
    return method
}()

extension TLSConnection {
    /// The connection a BIO belongs to, from inside a BIO callback.
    fileprivate static func from(bio: OpaquePointer) -> TLSConnection? {
        guard let object = BIO_get_data(bio) else { return nil }
        return Unmanaged<TLSConnection>.fromOpaque(object).takeUnretainedValue()
    }
}

/// Recognises IPv4 and IPv6 address literals.
enum IPAddressText {
    static func isAddress(_ text: String) -> Bool {
        (try? SocketAddress(ipAddress: text, port: 0)) != nil
    }
}
