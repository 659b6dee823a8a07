import COpenSSL

/// Everything that goes into one X.509 v3 certificate, and the code that signs it.
struct CertificateBuilder {
    var commonName: String
    var organization: String?
    var serial: Int
    /// Seconds from now; negative is in the past.
    var validFrom: Int
    var validUntil: Int
    /// (NID, OpenSSL config value) pairs, added in order. `subjectKeyIdentifier` must come
    /// before `authorityKeyIdentifier` when a certificate signs itself.
    var extensions: [(nid: Int32, value: String)]

    /// Builds the certificate over `key` and signs it with `issuer`'s key, naming `issuer`
    /// as issuer; with no issuer the certificate signs itself with `key`.
    ///
    /// Returns an `X509 *` the caller owns and frees with `X509_free`.
    ///
    /// - Throws: ``TLSError/Code/issuanceFailed`` naming the step OpenSSL refused (an
    ///   extension value it cannot parse, such as a malformed IP address, among them).
    func build(key: PrivateKey, issuer: (certificate: OpaquePointer, key: PrivateKey)?) throws(TLSError) -> OpaquePointer {
        let x509 = try OpenSSLCall.make("X509_new") { X509_new() }
        do throws(TLSError) {
            try self.fill(x509, key: key, issuer: issuer)
            return x509
        } catch {
            X509_free(x509)
            throw error
        }
    }

    private func fill(_ x509: OpaquePointer, key: PrivateKey, issuer: (certificate: OpaquePointer, key: PrivateKey)?) throws(TLSError) {
        try OpenSSLCall.check("X509_set_version") { X509_set_version(x509, Int(X509_VERSION_3)) }
        try OpenSSLCall.check("ASN1_INTEGER_set(serial)") { ASN1_INTEGER_set(X509_get_serialNumber(x509), self.serial) }
        _ = try OpenSSLCall.make("X509_gmtime_adj(notBefore)") { X509_gmtime_adj(X509_getm_notBefore(x509), self.validFrom) }
        _ = try OpenSSLCall.make("X509_gmtime_adj(notAfter)") { X509_gmtime_adj(X509_getm_notAfter(x509), self.validUntil) }
        try OpenSSLCall.check("X509_set_pubkey") { X509_set_pubkey(x509, key.pointer) }

        let subject = try OpenSSLCall.make("X509_get_subject_name") { X509_get_subject_name(x509) }
        if let organization = self.organization {
            try Self.add("O", organization, to: subject)
        }
        try Self.add("CN", self.commonName, to: subject)
        var issuerName = subject
        if let issuer {
            issuerName = try OpenSSLCall.make("X509_get_subject_name(issuer)") { X509_get_subject_name(issuer.certificate) }
        }
        try OpenSSLCall.check("X509_set_issuer_name") { X509_set_issuer_name(x509, issuerName) }

        // The context tells extensions like subjectKeyIdentifier=hash and
        // authorityKeyIdentifier=keyid where to find the keys they describe.
        var context = X509V3_CTX()
        X509V3_set_ctx(&context, issuer?.certificate ?? x509, x509, nil, nil, 0)
        COpenSSL_X509V3_set_ctx_nodb(&context)
        for (nid, value) in self.extensions {
            let name = OBJ_nid2sn(nid).map { String(cString: $0) } ?? "NID \(nid)"
            let extensionPointer = try OpenSSLCall.make("X509V3_EXT_nconf_nid(\(name)=\(value))") {
                X509V3_EXT_nconf_nid(nil, &context, nid, value)
            }
            defer { X509_EXTENSION_free(extensionPointer) }
            try OpenSSLCall.check("X509_add_ext(\(name))") { X509_add_ext(x509, extensionPointer, -1) }
        }

        let signer = issuer?.key ?? key
        try OpenSSLCall.check("X509_sign") { X509_sign(x509, signer.pointer, EVP_sha256()) }
    }

    private static func add(_ field: String, _ value: String, to name: OpaquePointer) throws(TLSError) {
        let bytes = Array(value.utf8)
        try OpenSSLCall.check("X509_NAME_add_entry_by_txt(\(field)=\(value))") {
            X509_NAME_add_entry_by_txt(name, field, MBSTRING_UTF8, bytes, Int32(bytes.count), -1, 0)
        }
    }
}
