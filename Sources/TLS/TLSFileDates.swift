import COpenSSL
import Foundation

/// The dates in the server's TLS files that an operator must act on before they pass:
/// when the server certificate and the client CA expire, and when the CRL must be
/// reissued (its nextUpdate: after it, every client is refused).
public struct TLSFileDates: Sendable, Equatable {
    /// The server certificate's notAfter.
    public var serverCertificate: Date?
    /// The earliest notAfter among the client CA bundle's certificates.
    public var clientCA: Date?
    /// The CRL's nextUpdate; nil without a CRL (or a CRL without one).
    public var crlNextUpdate: Date?

    public init(serverCertificate: Date? = nil, clientCA: Date? = nil, crlNextUpdate: Date? = nil) {
        self.serverCertificate = serverCertificate
        self.clientCA = clientCA
        self.crlNextUpdate = crlNextUpdate
    }

    /// Reads the dates from the files `configuration` names.
    ///
    /// - Throws: ``TLSError`` naming a file that cannot be read or is not PEM of its kind.
    public init(_ configuration: TLSServerConfiguration) throws(TLSError) {
        self.serverCertificate = try CertificateInfo(contentsOf: configuration.certificatePath).notAfter
        let authorities = try PEMFile(path: configuration.clientCAPath, expecting: .certificate).certificates()
        defer { authorities.forEach { X509_free($0) } }
        self.clientCA = authorities.compactMap { CertificateInfo.date(X509_get0_notAfter($0)) }.min()
        if let path = configuration.crlPath {
            let crl = try PEMFile(path: path, expecting: .crl).crl()
            defer { X509_CRL_free(crl) }
            self.crlNextUpdate = CertificateInfo.date(X509_CRL_get0_nextUpdate(crl))
        }
    }
}

/// The OpenSSL library the process runs with (`OpenSSL 3.0.19 27 Jan 2026`'s version).
public enum OpenSSLLibrary {
    /// The version number as OpenSSL gives it, e.g. `3.0.19`.
    public static var version: String {
        guard let text = OpenSSL_version(OPENSSL_VERSION_STRING) else { return "unknown" }
        return String(cString: text)
    }
}
