import Foundation
import Testing
import TestSupport

@Suite("gen-certs.sh client")
struct ClientCertificateTests {
    @Test func certificateNamesTheNickForClientAuthentication() throws {
        try withCA { folder in
            try folder.succeed("client", "alice")

            let certificate = folder.path("clients/alice.pem")
            #expect(try certificateField(certificate, "subject") == "CN=alice")
            #expect(try certificateExtension(certificate, "extendedKeyUsage").contains("TLS Web Client Authentication"))
            #expect(!(try certificateExtension(certificate, "extendedKeyUsage").contains("Server")))
            #expect(try folder.mode("clients/alice.key") == 0o600)
            #expect(try verify(certificate, ca: folder.path("ca.pem")).status == 0)
        }
    }

    @Test func allowlistLineIsTheOpenSSLFingerprint() throws {
        try withCA { folder in
            let result = try folder.succeed("client", "alice")

            let certificate = folder.path("clients/alice.pem")
            let fingerprint = try OpenSSLFingerprints.x509Fingerprint(of: certificate)
            #expect(fingerprint.count == 64)
            #expect(result.lines.contains("alice sha256:\(fingerprint)"))
            let expected = try OpenSSLFingerprints(of: certificate)
            #expect(expected.certificate == fingerprint)
            #expect(result.lines.contains("alice spki:\(expected.spki)"))
        }
    }

    @Test func bundleHoldsCertificateThenKeyAndIsSecret() throws {
        try withCA { folder in
            try folder.succeed("client", "alice")

            #expect(try folder.mode("clients/alice.bundle.pem") == 0o600)
            let bundle = try folder.contents("clients/alice.bundle.pem")
            #expect(bundle == (try folder.contents("clients/alice.pem")) + (try folder.contents("clients/alice.key")))

            let path = folder.path("clients/alice.bundle.pem")
            let bundlePublicKey = try pipeline(#"openssl pkey -in "$1" -pubout"#, path)
            let certificatePublicKey = try pipeline(#"openssl x509 -in "$1" -noout -pubkey"#, path)
            #expect(bundlePublicKey == certificatePublicKey)
        }
    }

    @Test func renewalKeepsTheKeyAndRefreshesTheBundle() throws {
        try withCA { folder in
            let first = try folder.succeed("client", "alice")
            let key = try folder.contents("clients/alice.key")

            let renewed = try folder.succeed("client", "alice")

            #expect(try folder.contents("clients/alice.key") == key)
            #expect(first.line(startingWith: "alice spki:") == renewed.line(startingWith: "alice spki:"))
            #expect(first.line(startingWith: "alice sha256:") != renewed.line(startingWith: "alice sha256:"))
            let bundle = try folder.contents("clients/alice.bundle.pem")
            #expect(bundle == (try folder.contents("clients/alice.pem")) + key)

            try folder.succeed("client", "alice", "--force")
            #expect(try folder.contents("clients/alice.key") != key)
            #expect(try folder.mode("clients/alice.key") == 0o600)
        }
    }

    @Test(arguments: ["[bot]", #"back\slash"#, "x`_^{|}-", "a23456789012345678901234567890"])
    func unusualButValidNicksAreAccepted(_ nick: String) throws {
        try withCA { folder in
            let result = try folder.succeed("client", nick)

            let certificate = folder.path("clients/\(nick).pem")
            #expect(try certificateField(certificate, "subject") == "CN=\(nick)")
            #expect(result.lines.contains("\(nick) sha256:\(try OpenSSLFingerprints.x509Fingerprint(of: certificate))"))
        }
    }

    @Test(arguments: ["1alice", "-alice", "al ice", "alice.b", "a/b", "é", "a234567890123456789012345678901"])
    func invalidNicksAreRejected(_ nick: String) throws {
        try withCA { folder in
            let result = try folder.script("client", nick)

            #expect(result.status == 2)
            #expect(result.stderr.hasPrefix("gen-certs.sh: "))
            #expect(result.stderr.contains("nick") || result.stderr.contains("option"))
            let written = (try? FileManager.default.contentsOfDirectory(atPath: folder.path("clients"))) ?? []
            #expect(written.isEmpty)
        }
    }
}
