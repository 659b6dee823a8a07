import COpenSSL

/// Why a TLS handshake failed, from a closed set fit for a metric label: the kinds an
/// operator acts on differently (a client with a certificate from another CA, an expired
/// or revoked one, a CRL past its nextUpdate, a port scanner).
public enum TLSFailureKind: String, CaseIterable, Sendable {
    case noCertificate = "no_certificate"
    case unknownCA = "unknown_ca"
    case expired
    case notYetValid = "not_yet_valid"
    case revoked
    case crlExpired = "crl_expired"
    case badCertificate = "bad_certificate"
    case protocolVersion = "protocol_version"
    case timeout
    case notTLS = "not_tls"
    case closedEarly = "closed_early"
    case other

    /// The kind of `error`, a failure of a server-side handshake.
    public init(_ error: TLSError) {
        switch error.code {
        case .certificateRequired: self = .noCertificate
        case .certificateRejected: self = Self.verification(error.reason)
        case .unsupportedProtocol: self = .protocolVersion
        case .handshakeTimeout: self = .timeout
        case .notTLS: self = .notTLS
        case .uncleanShutdown, .closed: self = .closedEarly
        default: self = .other
        }
    }

    /// OpenSSL's verification errors by kind; a refused certificate's reason ends with
    /// OpenSSL's text for one of them (`…refused: certificate has expired`).
    private static let verificationErrors: [(Int32, TLSFailureKind)] = [
        (X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY, .unknownCA),
        (X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT, .unknownCA),
        (X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT, .unknownCA),
        (X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN, .unknownCA),
        (X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE, .unknownCA),
        (X509_V_ERR_CERT_HAS_EXPIRED, .expired),
        (X509_V_ERR_CERT_NOT_YET_VALID, .notYetValid),
        (X509_V_ERR_CERT_REVOKED, .revoked),
        (X509_V_ERR_CRL_HAS_EXPIRED, .crlExpired),
        (X509_V_ERR_CRL_NOT_YET_VALID, .crlExpired),
    ]

    private static func verification(_ reason: String) -> TLSFailureKind {
        for (code, kind) in Self.verificationErrors {
            guard let text = X509_verify_cert_error_string(Int(code)) else { continue }
            if reason.hasSuffix(String(cString: text)) { return kind }
        }
        return .badCertificate
    }
}
