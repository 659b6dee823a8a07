import COpenSSL
import Foundation

/// A PEM file read into memory, with errors that name the path and the fix.
///
/// Files are read by Swift (so a missing or unreadable file is reported with its `errno`)
/// and parsed by OpenSSL from a memory BIO.
struct PEMFile {
    enum Kind: String {
        case certificate = "certificate"
        case privateKey = "private key"
        case crl = "certificate revocation list"

        var labels: [String] {
            switch self {
            case .certificate: ["CERTIFICATE", "TRUSTED CERTIFICATE", "X509 CERTIFICATE"]
            case .privateKey: ["PRIVATE KEY", "EC PRIVATE KEY", "RSA PRIVATE KEY", "ENCRYPTED PRIVATE KEY"]
            case .crl: ["X509 CRL"]
            }
        }
    }

    let path: String
    let kind: Kind
    let bytes: [UInt8]
    /// The file's permission bits.
    let mode: mode_t

    /// Reads the whole file.
    ///
    /// - Throws: `.fileUnreadable` naming the path and the operating system's reason.
    init(path: String, expecting kind: Kind) throws(TLSError) {
        self.path = path
        self.kind = kind
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else {
            let reason = String(cString: strerror(errno))
            throw TLSError(.fileUnreadable, "cannot read \(kind.rawValue) file \(path): \(reason)")
        }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0, (status.st_mode & S_IFMT) == S_IFREG else {
            throw TLSError(.fileUnreadable, "\(kind.rawValue) file \(path) is not a regular file")
        }
        self.mode = status.st_mode & 0o7777
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 16_384)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                let reason = String(cString: strerror(errno))
                throw TLSError(.fileUnreadable, "cannot read \(kind.rawValue) file \(path): \(reason)")
            }
            if count == 0 { break }
            bytes.append(contentsOf: chunk[0..<count])
            guard bytes.count <= 16 << 20 else {
                throw TLSError(.invalidPEM, "\(kind.rawValue) file \(path) is larger than 16 MiB; is it the right file?")
            }
        }
        self.bytes = bytes
    }

    /// The first PEM label in the file (`CERTIFICATE`, `PRIVATE KEY`, …), if any.
    var firstLabel: String? {
        let text = String(decoding: self.bytes.prefix(64 << 10), as: UTF8.self)
        guard let begin = text.range(of: "-----BEGIN ") else { return nil }
        guard let end = text[begin.upperBound...].range(of: "-----") else { return nil }
        return String(text[begin.upperBound..<end.lowerBound])
    }

    /// Every certificate in the file, in order; the caller frees each with `X509_free`.
    ///
    /// - Throws: `.invalidPEM` when the file holds no certificate.
    func certificates() throws(TLSError) -> [OpaquePointer] {
        var certificates: [OpaquePointer] = []
        try self.withBIO { bio in
            while let certificate = PEM_read_bio_X509(bio, nil, nil, nil) {
                certificates.append(certificate)
            }
        }
        // Reading stops with a "no start line" error at the end of the file; that is expected.
        OpenSSLErrorQueue.clear()
        guard !certificates.isEmpty else { throw self.notOfKind() }
        return certificates
    }

    /// The CRL in the file; the caller frees it with `X509_CRL_free`.
    func crl() throws(TLSError) -> OpaquePointer {
        var crl: OpaquePointer?
        try self.withBIO { bio in crl = PEM_read_bio_X509_CRL(bio, nil, nil, nil) }
        guard let crl else { throw self.notOfKind() }
        return crl
    }

    /// The private key in the file; the caller frees it with `EVP_PKEY_free`.
    ///
    /// - Throws: `.insecureKeyPermissions` when the file is accessible to group or others
    ///   (the fix is a chmod, as ssh demands); `.encryptedKey` when the key is encrypted and
    ///   `passphrase` is nil or wrong; `.invalidPEM` when the file holds no private key.
    func privateKey(passphrase: String?) throws(TLSError) -> OpaquePointer {
        if self.mode & 0o077 != 0 {
            throw TLSError(
                .insecureKeyPermissions,
                "private key \(self.path) is accessible to group or others (mode \(String(self.mode, radix: 8))); "
                    + "run: chmod 600 \(self.path)"
            )
        }
        let text = String(decoding: self.bytes.prefix(64 << 10), as: UTF8.self)
        let encrypted = text.contains("-----BEGIN ENCRYPTED PRIVATE KEY-----") || text.contains("Proc-Type: 4,ENCRYPTED")
        if encrypted && passphrase == nil {
            throw TLSError(
                .encryptedKey,
                "private key \(self.path) is encrypted and no passphrase was given; give its passphrase, "
                    + "or decrypt it once with: openssl pkey -in \(self.path) -out \(self.path).plain"
            )
        }
        var key: OpaquePointer?
        try self.withBIO { bio in
            // A callback that never prompts: it hands over the passphrase if there is one.
            let callback: @convention(c) (UnsafeMutablePointer<CChar>?, Int32, Int32, UnsafeMutableRawPointer?) -> Int32 = {
                buffer, size, _, userData in
                guard let buffer, let userData else { return 0 }
                let secret = userData.assumingMemoryBound(to: CChar.self)
                let length = min(Int(strlen(secret)), Int(size))
                memcpy(buffer, secret, length)
                return Int32(length)
            }
            if let passphrase {
                passphrase.withCString { secret in
                    key = PEM_read_bio_PrivateKey(bio, nil, callback, UnsafeMutableRawPointer(mutating: secret))
                }
            } else {
                key = PEM_read_bio_PrivateKey(bio, nil, callback, nil)
            }
        }
        guard let key else {
            if encrypted {
                throw TLSError(.encryptedKey, "wrong passphrase for private key \(self.path)", openSSLErrors: OpenSSLErrorQueue.drain())
            }
            throw self.notOfKind()
        }
        OpenSSLErrorQueue.clear()
        return key
    }

    /// Runs `body` with a read-only memory BIO over the file's bytes; the BIO does not copy
    /// them, so it lives only inside this call.
    private func withBIO(_ body: (OpaquePointer) -> Void) throws(TLSError) {
        OpenSSLErrorQueue.clear()
        let created = self.bytes.withUnsafeBytes { raw -> Bool in
            guard let bio = BIO_new_mem_buf(raw.baseAddress, Int32(raw.count)) else { return false }
            defer { BIO_free(bio) }
            body(bio)
            return true
        }
        guard created else {
            throw TLSError(.invalidPEM, "out of memory reading \(self.path)", openSSLErrors: OpenSSLErrorQueue.drain())
        }
    }

    private func notOfKind() -> TLSError {
        let errors = OpenSSLErrorQueue.drain()
        let expected = "-----BEGIN \(self.kind.labels[0])-----"
        if let label = self.firstLabel, !self.kind.labels.contains(label) {
            return TLSError(
                .invalidPEM,
                "\(self.path) holds a '\(label)' block, not a \(self.kind.rawValue) (expected \(expected)); is it the right file?",
                openSSLErrors: errors
            )
        }
        if self.firstLabel == nil {
            return TLSError(
                .invalidPEM,
                "\(self.path) is not PEM (no '-----BEGIN' line); expected a \(self.kind.rawValue) in PEM form (\(expected))",
                openSSLErrors: errors
            )
        }
        return TLSError(.invalidPEM, "\(self.path) has a damaged \(self.kind.rawValue) block", openSSLErrors: errors)
    }
}
