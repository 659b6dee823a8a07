import Foundation
import Testing
import TestSupport

@Suite("gen-certs.sh ca")
struct CATests {
    @Test func createsKeyCertificateDatabaseAndEmptyCRL() throws {
        try withCertFolder { folder in
            let result = try folder.succeed("ca")

            for file in ["ca.key", "ca.pem", "crl.pem", "ca-db/openssl.cnf", "ca-db/index.txt", "ca-db/serial", "ca-db/crlnumber"] {
                #expect(folder.exists(file), "\(file) missing")
            }
            #expect(try folder.mode("ca.key") == 0o600)
            #expect(try folder.mode("ca.pem") == 0o644)
            #expect(try folder.contents("ca-db/index.txt").isEmpty)
            #expect(result.stdout.contains("ca.key") && result.stdout.contains("secret"))

            let ca = folder.path("ca.pem")
            #expect(try certificateField(ca, "subject") == "CN=SecureChat CA")
            #expect(try certificateField(ca, "issuer") == "CN=SecureChat CA")
            let text = try openssl("x509", "-in", ca, "-noout", "-text").stdout
            #expect(text.contains("Signature Algorithm: ecdsa-with-SHA256"))
            #expect(text.contains("NIST CURVE: P-256"))
            #expect(try certificateExtension(ca, "basicConstraints").contains("critical\n    CA:TRUE"))
            #expect(try certificateExtension(ca, "keyUsage").contains("critical\n    Certificate Sign, CRL Sign"))
            #expect(try certificateExtension(ca, "subjectKeyIdentifier").contains(":"))

            let crl = try openssl("crl", "-in", folder.path("crl.pem"), "-CAfile", ca, "-noout", "-text")
            try requireSuccess(crl, "openssl crl -CAfile")
            #expect(crl.stderr.contains("verify OK"))
            #expect(crl.stdout.contains("No Revoked Certificates."))
        }
    }

    @Test func keyUsesP256AndIsNeverReadableByOthers() throws {
        try withCA { folder in
            let key = try openssl("pkey", "-in", folder.path("ca.key"), "-noout", "-text_pub")
            #expect(key.stdout.contains("prime256v1"))
            #expect(try folder.mode("ca.key") == 0o600)
        }
    }

    @Test func rerunKeepsTheExistingCAByteForByte() throws {
        try withCA { folder in
            let key = try folder.contents("ca.key")
            let certificate = try folder.contents("ca.pem")
            let crl = try folder.contents("crl.pem")

            let again = try folder.succeed("ca")

            #expect(again.stdout.contains("already exists"))
            #expect(try folder.contents("ca.key") == key)
            #expect(try folder.contents("ca.pem") == certificate)
            #expect(try folder.contents("crl.pem") == crl)
        }
    }

    @Test func forceReplacesKeyCertificateAndCRL() throws {
        try withCA { folder in
            try folder.succeed("client", "alice")
            let key = try folder.contents("ca.key")
            let certificate = try folder.contents("ca.pem")

            let replaced = try folder.succeed("ca", "--force")

            #expect(try folder.contents("ca.key") != key)
            #expect(try folder.contents("ca.pem") != certificate)
            #expect(try folder.mode("ca.key") == 0o600)
            #expect(try folder.contents("ca-db/index.txt").isEmpty)
            #expect(replaced.stderr.contains("old CA"))
            let crl = try openssl("crl", "-in", folder.path("crl.pem"), "-CAfile", folder.path("ca.pem"), "-noout")
            #expect(crl.status == 0 && crl.stderr.contains("verify OK"))
            #expect(try verify(folder.path("clients/alice.pem"), ca: folder.path("ca.pem")).status != 0)
        }
    }

    @Test func daysSetsTheValidity() throws {
        try withCertFolder { folder in
            try folder.succeed("ca", "--days", "30")
            let ca = folder.path("ca.pem")
            #expect(try openssl("x509", "-in", ca, "-noout", "-checkend", "\(29 * 86400)").status == 0)
            #expect(try openssl("x509", "-in", ca, "-noout", "-checkend", "\(31 * 86400)").status != 0)
        }
    }

    @Test func crlCommandSignsAFreshCRLWithTheRequestedLifetime() throws {
        try withCA { folder in
            let before = try folder.contents("crl.pem")

            try folder.succeed("crl", "--days", "7")

            #expect(try folder.contents("crl.pem") != before)
            let crl = try openssl("crl", "-in", folder.path("crl.pem"), "-CAfile", folder.path("ca.pem"), "-noout", "-nextupdate")
            #expect(crl.status == 0 && crl.stderr.contains("verify OK"))
            let nextUpdate = try #require(crl.stdout.split(separator: "=", maxSplits: 1).last)
            let formatter = DateFormatter()
            formatter.locale = Locale(identifier: "en_US_POSIX")
            formatter.timeZone = TimeZone(identifier: "GMT")
            formatter.dateFormat = "MMM d HH:mm:ss yyyy 'GMT'"
            let normalized = nextUpdate.trimmingCharacters(in: .whitespacesAndNewlines)
                .split(separator: " ", omittingEmptySubsequences: true).joined(separator: " ")
            let date = try #require(formatter.date(from: normalized), "unparsed nextUpdate \(nextUpdate)")
            #expect(abs(date.timeIntervalSinceNow - 7 * 86400) < 3600)
        }
    }
}
