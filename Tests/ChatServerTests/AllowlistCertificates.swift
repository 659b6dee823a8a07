import TLS
import TestSupport

/// A suite whose tests check allowlist lines against the certificates of alice and bob
/// from a fresh test PKI, made again for each test as every suite instance is.
protocol AllowlistCertificates {
    init(pki: TestPKI, alice: CertificateInfo, bob: CertificateInfo)
}

extension AllowlistCertificates {
    init() throws {
        let pki = try TestPKI()
        self.init(pki: pki, alice: try pki.client("alice").info(), bob: try pki.client("bob").info())
    }
}
