import COpenSSL
import Foundation

/// A certificate revocation list signed by a ``CertificateAuthority``.
package struct RevocationList: Sendable {
    /// The cRLNumber it carries: 1 for an authority's first CRL, then counting up.
    package let number: Int
    /// The PEM encoding (`-----BEGIN X509 CRL-----`), as written to a CRL file.
    package let pem: [UInt8]
}

extension CertificateAuthority {
    /// Signs a v2 CRL revoking `serials`, valid from now until `nextUpdate` seconds from now.
    ///
    /// The serials should be this authority's (``IssuedCertificate/serial``); a CRL only
    /// revokes certificates of its own issuer. Each CRL gets the next cRLNumber and an
    /// authorityKeyIdentifier naming this authority's key.
    ///
    /// - Throws: ``TLSError/Code/issuanceFailed`` with OpenSSL's errors.
    package func revocationList(revoking serials: [Int], nextUpdate: Int = 86_400) throws(TLSError) -> RevocationList {
        self.lock.lock()
        defer { self.lock.unlock() }
        let number = self.nextCRLNumber
        self.nextCRLNumber += 1
        return RevocationList(number: number, pem: try self.signedCRL(number: number, serials: serials, nextUpdate: nextUpdate))
    }

    /// Builds, signs and PEM-encodes a v2 CRL. Call with `lock` held.
    private func signedCRL(number: Int, serials: [Int], nextUpdate: Int) throws(TLSError) -> [UInt8] {
        let crl = try OpenSSLCall.make("X509_CRL_new") { X509_CRL_new() }
        defer { X509_CRL_free(crl) }
        try OpenSSLCall.check("X509_CRL_set_version") { X509_CRL_set_version(crl, Int(X509_CRL_VERSION_2)) }
        try OpenSSLCall.check("X509_CRL_set_issuer_name") {
            X509_CRL_set_issuer_name(crl, X509_get_subject_name(self.pointer))
        }
        let now = try OpenSSLCall.make("X509_gmtime_adj(now)") { X509_gmtime_adj(nil, 0) }
        defer { ASN1_TIME_free(now) }
        let next = try OpenSSLCall.make("X509_gmtime_adj(nextUpdate)") { X509_gmtime_adj(nil, nextUpdate) }
        defer { ASN1_TIME_free(next) }
        try OpenSSLCall.check("X509_CRL_set1_lastUpdate") { X509_CRL_set1_lastUpdate(crl, now) }
        try OpenSSLCall.check("X509_CRL_set1_nextUpdate") { X509_CRL_set1_nextUpdate(crl, next) }

        for serial in serials {
            try Self.addRevoked(serial: serial, at: now, to: crl)
        }
        try OpenSSLCall.check("X509_CRL_sort") { X509_CRL_sort(crl) }

        var context = X509V3_CTX()
        X509V3_set_ctx(&context, self.pointer, nil, nil, crl, 0)
        COpenSSL_X509V3_set_ctx_nodb(&context)
        let authorityKeyID = try OpenSSLCall.make("X509V3_EXT_nconf_nid(authorityKeyIdentifier)") {
            X509V3_EXT_nconf_nid(nil, &context, NID_authority_key_identifier, "keyid")
        }
        defer { X509_EXTENSION_free(authorityKeyID) }
        try OpenSSLCall.check("X509_CRL_add_ext(authorityKeyIdentifier)") { X509_CRL_add_ext(crl, authorityKeyID, -1) }
        let crlNumber = try Self.integer(number)
        defer { ASN1_INTEGER_free(crlNumber) }
        try OpenSSLCall.check("X509_CRL_add1_ext_i2d(cRLNumber)") {
            X509_CRL_add1_ext_i2d(crl, NID_crl_number, crlNumber, 0, 0)
        }

        try OpenSSLCall.check("X509_CRL_sign") { X509_CRL_sign(crl, self.key.pointer, EVP_sha256()) }
        return try MemoryBIO.collect("PEM_write_bio_X509_CRL") { PEM_write_bio_X509_CRL($0, crl) }
    }

    /// Adds an entry revoking `serial` at `date`; the CRL owns the entry once added.
    private static func addRevoked(serial: Int, at date: UnsafeMutablePointer<ASN1_TIME>, to crl: OpaquePointer) throws(TLSError) {
        let revoked = try OpenSSLCall.make("X509_REVOKED_new") { X509_REVOKED_new() }
        var crlOwnsRevoked = false
        defer { if !crlOwnsRevoked { X509_REVOKED_free(revoked) } }
        let serialNumber = try Self.integer(serial)
        defer { ASN1_INTEGER_free(serialNumber) }
        try OpenSSLCall.check("X509_REVOKED_set_serialNumber") { X509_REVOKED_set_serialNumber(revoked, serialNumber) }
        try OpenSSLCall.check("X509_REVOKED_set_revocationDate") { X509_REVOKED_set_revocationDate(revoked, date) }
        try OpenSSLCall.check("X509_CRL_add0_revoked") { X509_CRL_add0_revoked(crl, revoked) }
        crlOwnsRevoked = true
    }

    /// A new `ASN1_INTEGER` holding `value`; the caller frees it with `ASN1_INTEGER_free`.
    private static func integer(_ value: Int) throws(TLSError) -> UnsafeMutablePointer<ASN1_INTEGER> {
        let integer = try OpenSSLCall.make("ASN1_INTEGER_new") { ASN1_INTEGER_new() }
        do throws(TLSError) {
            try OpenSSLCall.check("ASN1_INTEGER_set") { ASN1_INTEGER_set(integer, value) }
        } catch {
            ASN1_INTEGER_free(integer)
            throw error
        }
        return integer
    }
}
