import Foundation
import Testing
import TestSupport

@Suite("gen-certs.sh fingerprint")
struct FingerprintTests {
    @Test(arguments: ["ca.pem", "server/chat.example.org.pem", "clients/alice.pem"])
    func threeFormsEqualTheOpenSSLPipelines(_ file: String) throws {
        try withCA { folder in
            try folder.succeed("server", "chat.example.org")
            try folder.succeed("client", "alice")
            let certificate = folder.path(file)

            let result = try runGenCerts(["fingerprint", certificate])
            try requireSuccess(result, "fingerprint \(file)")

            let expected = try OpenSSLFingerprints(of: certificate)
            #expect(result.lines == [
                "sha256:\(expected.certificate)",
                "spki:\(expected.spki)",
                "sha256//\(expected.spkiBase64)",
                "",
            ])
            #expect(expected.certificate == (try OpenSSLFingerprints.x509Fingerprint(of: certificate)))
            #expect(result.stderr.isEmpty)
        }
    }

    @Test func bundleIsReadAsItsCertificate() throws {
        try withCA { folder in
            try folder.succeed("client", "alice")

            let fromBundle = try runGenCerts(["fingerprint", folder.path("clients/alice.bundle.pem")])
            let fromCertificate = try runGenCerts(["fingerprint", folder.path("clients/alice.pem")])
            #expect(fromBundle.status == 0)
            #expect(fromBundle.stdout == fromCertificate.stdout)
        }
    }

    @Test func missingFileIsAnError() throws {
        try withCertFolder { folder in
            let result = try runGenCerts(["fingerprint", folder.path("nowhere.pem")])
            #expect(result.status == 1)
            #expect(result.stderr.contains("no such file"))
            #expect(result.stdout.isEmpty)
        }
    }

    enum NotACertificate: String, CaseIterable, Sendable {
        case privateKey, derCertificate, text, empty
    }

    @Test(arguments: NotACertificate.allCases)
    func fileThatIsNotAPEMCertificateIsAnError(_ kind: NotACertificate) throws {
        try withCA { folder in
            let file = folder.path("input")
            switch kind {
            case .privateKey:
                try FileManager.default.copyItem(atPath: folder.path("ca.key"), toPath: file)
            case .derCertificate:
                try requireSuccess(try openssl("x509", "-in", folder.path("ca.pem"), "-outform", "der", "-out", file), "to DER")
            case .text:
                try Data("-----BEGIN CERTIFICATE-----\nnot base64 at all\n-----END CERTIFICATE-----\n".utf8)
                    .write(to: URL(fileURLWithPath: file))
            case .empty:
                try Data().write(to: URL(fileURLWithPath: file))
            }

            let result = try runGenCerts(["fingerprint", file])
            #expect(result.status == 1)
            #expect(result.stderr.contains("not a PEM certificate"))
            #expect(result.stdout.isEmpty)
        }
    }
}
