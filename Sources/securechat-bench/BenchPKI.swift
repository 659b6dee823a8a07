import COpenSSL
import Foundation

/// Certificates for a benchmark: one CA, a server certificate, and one client certificate
/// per nick, all client certificates over one shared key so that thousands take seconds.
///
/// Everything is ECDSA P-256 signed with SHA-256. The CA and key live only in memory until
/// ``write(to:)`` or ``issueClient(nick:)`` puts them in files.
final class BenchPKI {
    private let caKey: BenchKey
    private let caCertificate: BenchCertificate
    let clientKey: BenchKey
    private var nextSerial = Int.random(in: 1...0x7FFF_0000)

    /// A fresh CA (valid ten years from an hour ago) and a fresh shared client key.
    init() throws(BenchError) {
        self.caKey = try BenchKey.generateP256()
        self.clientKey = try BenchKey.generateP256()
        let serial = self.nextSerial
        self.nextSerial += 1
        self.caCertificate = try BenchCertificate.build(
            commonName: "SecureChat Bench CA", serial: serial, key: self.caKey, issuer: nil,
            extensions: [
                (NID_basic_constraints, "critical,CA:TRUE"),
                (NID_key_usage, "critical,keyCertSign,cRLSign"),
                (NID_subject_key_identifier, "hash"),
            ])
    }

    /// The CA certificate and key as PEM.
    func caPEM() throws(BenchError) -> (certificate: [UInt8], key: [UInt8]) {
        (try self.caCertificate.pem(), try self.caKey.pem())
    }

    /// A server certificate for `localhost` and 127.0.0.1 over a fresh key.
    func issueServer() throws(BenchError) -> (certificate: BenchCertificate, key: BenchKey) {
        let key = try BenchKey.generateP256()
        let certificate = try self.issue(
            commonName: "localhost", key: key, purpose: "serverAuth",
            alternativeNames: "DNS:localhost,IP:127.0.0.1")
        return (certificate, key)
    }

    /// A client certificate with CN = `nick` over the shared client key.
    func issueClient(nick: String) throws(BenchError) -> BenchCertificate {
        try self.issue(commonName: nick, key: self.clientKey, purpose: "clientAuth", alternativeNames: nil)
    }

    private func issue(
        commonName: String, key: BenchKey, purpose: String, alternativeNames: String?
    ) throws(BenchError) -> BenchCertificate {
        var extensions: [(nid: Int32, value: String)] = [
            (NID_basic_constraints, "CA:FALSE"),
            (NID_key_usage, "critical,digitalSignature"),
            (NID_ext_key_usage, purpose),
        ]
        if let alternativeNames { extensions.append((NID_subject_alt_name, alternativeNames)) }
        extensions.append((NID_authority_key_identifier, "keyid"))
        let serial = self.nextSerial
        self.nextSerial += 1
        return try BenchCertificate.build(
            commonName: commonName, serial: serial, key: key,
            issuer: (self.caCertificate, self.caKey), extensions: extensions)
    }
}

/// An `EVP_PKEY` owned by this process.
final class BenchKey {
    let pointer: OpaquePointer

    private init(_ pointer: OpaquePointer) { self.pointer = pointer }
    deinit { EVP_PKEY_free(self.pointer) }

    static func generateP256() throws(BenchError) -> BenchKey {
        guard let key = COpenSSL_EVP_EC_gen("P-256") else { throw BenchError.openSSL("EVP_EC_gen(P-256)") }
        return BenchKey(key)
    }

    /// Unencrypted PKCS#8 PEM.
    func pem() throws(BenchError) -> [UInt8] {
        try MemoryBIO.collect("PEM_write_bio_PrivateKey") { PEM_write_bio_PrivateKey($0, self.pointer, nil, nil, 0, nil, nil) }
    }
}

/// An `X509` owned by this process.
final class BenchCertificate {
    let pointer: OpaquePointer

    private init(_ pointer: OpaquePointer) { self.pointer = pointer }
    deinit { X509_free(self.pointer) }

    func pem() throws(BenchError) -> [UInt8] {
        try MemoryBIO.collect("PEM_write_bio_X509") { PEM_write_bio_X509($0, self.pointer) }
    }

    /// The certificate fingerprint as the allowlist spells it: `sha256:` and 64 hex digits.
    func fingerprint() throws(BenchError) -> String {
        var der: UnsafeMutablePointer<UInt8>?
        let length = i2d_X509(self.pointer, &der)
        guard length > 0, let der else { throw BenchError.openSSL("i2d_X509") }
        defer { COpenSSL_OPENSSL_free(der) }
        var digest = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var digestLength: UInt32 = 0
        guard EVP_Digest(der, Int(length), &digest, &digestLength, EVP_sha256(), nil) == 1 else {
            throw BenchError.openSSL("EVP_Digest(SHA-256)")
        }
        let digits = Array("0123456789abcdef".utf8)
        var text = Array("sha256:".utf8)
        for byte in digest.prefix(Int(digestLength)) {
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: text, as: UTF8.self)
    }

    /// Builds and signs a v3 certificate valid from an hour ago for about ten years; with no
    /// issuer it signs itself.
    static func build(
        commonName: String, serial: Int, key: BenchKey,
        issuer: (certificate: BenchCertificate, key: BenchKey)?,
        extensions: [(nid: Int32, value: String)]
    ) throws(BenchError) -> BenchCertificate {
        guard let x509 = X509_new() else { throw BenchError.openSSL("X509_new") }
        let certificate = BenchCertificate(x509)
        let name = X509_get_subject_name(x509)
        let nameBytes = Array(commonName.utf8)
        var built =
            X509_set_version(x509, Int(X509_VERSION_3)) == 1
            && ASN1_INTEGER_set(X509_get_serialNumber(x509), serial) == 1
            && X509_gmtime_adj(X509_getm_notBefore(x509), -3600) != nil
            && X509_gmtime_adj(X509_getm_notAfter(x509), 86_400 * 3650) != nil
            && X509_set_pubkey(x509, key.pointer) == 1
            && X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8, nameBytes, Int32(nameBytes.count), -1, 0) == 1
            && X509_set_issuer_name(x509, issuer.map { X509_get_subject_name($0.certificate.pointer) } ?? name) == 1
        guard built else { throw BenchError.openSSL("building the certificate for \(commonName)") }
        var context = X509V3_CTX()
        X509V3_set_ctx(&context, issuer?.certificate.pointer ?? x509, x509, nil, nil, 0)
        COpenSSL_X509V3_set_ctx_nodb(&context)
        for (nid, value) in extensions where built {
            guard let extensionPointer = X509V3_EXT_nconf_nid(nil, &context, nid, value) else {
                throw BenchError.openSSL("X509V3_EXT_nconf_nid(\(value))")
            }
            built = X509_add_ext(x509, extensionPointer, -1) == 1
            X509_EXTENSION_free(extensionPointer)
        }
        guard built, X509_sign(x509, (issuer?.key ?? key).pointer, EVP_sha256()) > 0 else {
            throw BenchError.openSSL("signing the certificate for \(commonName)")
        }
        return certificate
    }
}

/// Collects what an OpenSSL `PEM_write_bio_*` call writes.
enum MemoryBIO {
    static func collect(_ what: String, _ write: (OpaquePointer) -> Int32) throws(BenchError) -> [UInt8] {
        guard let bio = BIO_new(BIO_s_mem()) else { throw BenchError.openSSL("BIO_new") }
        defer { BIO_free(bio) }
        var memory: UnsafeMutablePointer<BUF_MEM>?
        guard write(bio) == 1, COpenSSL_BIO_get_mem_ptr(bio, &memory) == 1, let memory, let data = memory.pointee.data
        else { throw BenchError.openSSL(what) }
        return data.withMemoryRebound(to: UInt8.self, capacity: memory.pointee.length) {
            Array(UnsafeBufferPointer(start: $0, count: memory.pointee.length))
        }
    }
}
