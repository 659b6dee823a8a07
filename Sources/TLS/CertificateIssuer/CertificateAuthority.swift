import COpenSSL
import Foundation

/// A certificate authority made in memory: issues leaf certificates and CRLs.
///
/// Everything is ECDSA P-256 signed with SHA-256. For tests and the benchmark, which need
/// fresh certificates each run and must never commit keys; nothing here reads a file, and
/// nothing is written until a caller hands the PEM to ``PEMWriter``.
///
/// Safe to use from several tasks at once: issuing and signing are serialised.
package final class CertificateAuthority: @unchecked Sendable {
    /// The authority's own self-signed certificate.
    package let certificate: IssuedCertificate
    /// The key that signs what this authority issues.
    package let key: PrivateKey

    /// The authority's `X509 *`, freed in deinit; used only with `lock` held.
    let pointer: OpaquePointer
    /// Guards `nextSerial`, `nextCRLNumber`, and every use of `pointer` and `key` to sign.
    let lock = NSLock()
    private var nextSerial: Int
    var nextCRLNumber = 1

    /// One hour: how far in the past certificates start by default, so that a clock a
    /// little behind still accepts them.
    package static let clockSkew = 3600
    /// About ten years, in seconds.
    package static let tenYears = 86_400 * 3650

    /// Makes a fresh key and a self-signed CA certificate over it, valid from an hour ago
    /// for about ten years, marked as a critical certificate and CRL signer.
    ///
    /// - Parameter organization: the subject's O, before its CN; none when nil.
    /// - Throws: ``TLSError/Code/issuanceFailed`` with OpenSSL's errors.
    package init(commonName: String, organization: String? = nil) throws(TLSError) {
        // Serials start at a random 31-bit value so two runs (or two CAs with the same name)
        // do not hand out the same serials, yet stay positive in a `long`.
        let firstSerial = Int.random(in: 1...0x7FFF_0000)
        let key = try PrivateKey.generateP256()
        let builder = CertificateBuilder(
            commonName: commonName, organization: organization, serial: firstSerial,
            validFrom: -Self.clockSkew, validUntil: Self.tenYears,
            extensions: [
                (NID_basic_constraints, "critical,CA:TRUE"),
                (NID_key_usage, "critical,keyCertSign,cRLSign"),
                (NID_subject_key_identifier, "hash"),
            ])
        let pointer = try builder.build(key: key, issuer: nil)
        do throws(TLSError) {
            self.certificate = try IssuedCertificate(pointer, serial: firstSerial)
        } catch {
            X509_free(pointer)
            throw error
        }
        self.pointer = pointer
        self.key = key
        self.nextSerial = firstSerial + 1
    }

    deinit {
        X509_free(self.pointer)
    }

    /// Issues a leaf certificate for `key`, signed by this authority.
    ///
    /// - `usage`: the TLS roles it may play; empty means neither (`emailProtection` only).
    /// - `dnsNames`/`ipAddresses`: subjectAltName entries; none means no SAN extension.
    /// - `validFrom`/`validUntil`: offsets in seconds from now (negative = past), so a
    ///   window wholly in the past or the future makes an expired or not-yet-valid certificate.
    /// - `key`: the subject's key; one key may be named by many certificates.
    ///
    /// Serials are unique within this authority. The certificate carries subject and
    /// authority key identifiers, so chains build without relying on names alone.
    ///
    /// - Throws: ``TLSError/Code/issuanceFailed`` with OpenSSL's errors, for example when an
    ///   IP address does not parse.
    package func issue(
        commonName: String,
        dnsNames: [String] = [],
        ipAddresses: [String] = [],
        usage: ExtendedKeyUsage,
        validFrom: Int = -CertificateAuthority.clockSkew,
        validUntil: Int = 86_400 * 30,
        key: PrivateKey
    ) throws(TLSError) -> IssuedCertificate {
        var extensions: [(nid: Int32, value: String)] = [
            (NID_basic_constraints, "CA:FALSE"),
            (NID_key_usage, "critical,digitalSignature"),
            (NID_ext_key_usage, usage.configurationValue),
        ]
        let alternativeNames = dnsNames.map { "DNS:\($0)" } + ipAddresses.map { "IP:\($0)" }
        if !alternativeNames.isEmpty {
            extensions.append((NID_subject_alt_name, alternativeNames.joined(separator: ",")))
        }
        extensions.append((NID_subject_key_identifier, "hash"))
        extensions.append((NID_authority_key_identifier, "keyid"))

        self.lock.lock()
        defer { self.lock.unlock() }
        let serial = self.nextSerial
        self.nextSerial += 1
        let builder = CertificateBuilder(
            commonName: commonName, organization: nil, serial: serial,
            validFrom: validFrom, validUntil: validUntil, extensions: extensions)
        let leaf = try builder.build(key: key, issuer: (self.pointer, self.key))
        defer { X509_free(leaf) }
        return try IssuedCertificate(leaf, serial: serial)
    }
}
