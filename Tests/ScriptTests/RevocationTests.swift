import Foundation
import Testing
import TestSupport

@Suite("gen-certs.sh revoke")
struct RevocationTests {
    @Test func revokedClientFailsTheCRLCheckWhileOthersStillVerify() throws {
        try withCA { folder in
            try folder.succeed("client", "mallory")
            try folder.succeed("client", "bob")
            let ca = folder.path("ca.pem"), crl = folder.path("crl.pem")
            #expect(try verify(folder.path("clients/mallory.pem"), ca: ca, crl: crl).status == 0)

            let result = try folder.succeed("revoke", folder.path("clients/mallory.pem"))

            #expect(result.stdout.contains("revoked"))
            let revoked = try verify(folder.path("clients/mallory.pem"), ca: ca, crl: crl)
            #expect(revoked.status != 0)
            #expect((revoked.stdout + revoked.stderr).contains("certificate revoked"))
            let other = try verify(folder.path("clients/bob.pem"), ca: ca, crl: crl)
            #expect(other.status == 0, "\(other.stderr)")
            let crlCheck = try openssl("crl", "-in", crl, "-CAfile", ca, "-noout")
            #expect(crlCheck.status == 0 && crlCheck.stderr.contains("verify OK"))
        }
    }

    @Test func revokingTwiceSaysSoAndKeepsOneEntry() throws {
        try withCA { folder in
            try folder.succeed("server", "chat.example.org")
            let certificate = folder.path("server/chat.example.org.pem")
            try folder.succeed("revoke", certificate)

            let again = try folder.succeed("revoke", certificate)

            #expect(again.stdout.contains("already revoked"))
            let serial = try certificateField(certificate, "serial")
            let listed = try openssl("crl", "-in", folder.path("crl.pem"), "-noout", "-text").stdout
            #expect(listed.components(separatedBy: "Serial Number: \(serial)").count == 2)
            let revoked = try verify(certificate, ca: folder.path("ca.pem"), crl: folder.path("crl.pem"))
            #expect((revoked.stdout + revoked.stderr).contains("certificate revoked"))
        }
    }

    @Test func renewedCertificateIsNotRevokedWithTheOldOne() throws {
        try withCA { folder in
            try folder.succeed("client", "alice")
            let oldCopy = folder.path("alice-old.pem")
            try FileManager.default.copyItem(atPath: folder.path("clients/alice.pem"), toPath: oldCopy)
            try folder.succeed("client", "alice")

            try folder.succeed("revoke", oldCopy)

            let ca = folder.path("ca.pem"), crl = folder.path("crl.pem")
            #expect(try verify(oldCopy, ca: ca, crl: crl).status != 0)
            #expect(try verify(folder.path("clients/alice.pem"), ca: ca, crl: crl).status == 0)
        }
    }

    @Test func certificateFromAnotherCAIsRefused() throws {
        try withCertFolder { folder in
            try withCertFolder { other in
                try folder.succeed("ca")
                try other.succeed("ca")
                try other.succeed("client", "eve")
                let index = try folder.contents("ca-db/index.txt")

                let result = try folder.script("revoke", other.path("clients/eve.pem"))

                #expect(result.status == 1)
                #expect(result.stderr.contains("not issued by"))
                #expect(try folder.contents("ca-db/index.txt") == index)
            }
        }
    }

    @Test func theCACertificateItselfIsRefused() throws {
        try withCA { folder in
            let result = try folder.script("revoke", folder.path("ca.pem"))
            #expect(result.status == 1)
            #expect(result.stderr.contains("CA certificate itself"))
        }
    }
}
