import Foundation
import Testing
import TestSupport

@Suite("gen-certs.sh server")
struct ServerCertificateTests {
    struct NamesCase: Sendable, CustomTestStringConvertible {
        let arguments: [String]
        let name: String
        let subjectAltName: String
        var testDescription: String { arguments.joined(separator: " ") }
    }

    static let names: [NamesCase] = [
        NamesCase(arguments: ["chat.example.org"], name: "chat.example.org", subjectAltName: "DNS:chat.example.org"),
        NamesCase(arguments: ["localhost", "--ip", "127.0.0.1", "--ip", "::1"], name: "localhost",
                  subjectAltName: "DNS:localhost, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1"),
        NamesCase(arguments: ["irc", "--dns", "irc.example.org", "--dns", "*.chat.example.org"], name: "irc",
                  subjectAltName: "DNS:irc.example.org, DNS:*.chat.example.org"),
        NamesCase(arguments: ["node_1", "--ip", "192.0.2.10"], name: "node_1", subjectAltName: "IP Address:192.0.2.10"),
        NamesCase(arguments: ["192.0.2.7"], name: "192.0.2.7", subjectAltName: "IP Address:192.0.2.7"),
    ]

    @Test(arguments: names)
    func certificateCarriesTheRequestedNamesAndVerifies(_ names: NamesCase) throws {
        try withCA { folder in
            let result = try runGenCerts(["server"] + names.arguments + ["--dir", folder.path])
            try requireSuccess(result, "server \(names.testDescription)")

            let certificate = folder.path("server/\(names.name).pem")
            #expect(try certificateExtension(certificate, "subjectAltName").contains("\n    \(names.subjectAltName)\n"))
            #expect(try certificateField(certificate, "subject") == "CN=\(names.name)")
            #expect(try certificateExtension(certificate, "extendedKeyUsage").contains("TLS Web Server Authentication"))
            #expect(try certificateExtension(certificate, "keyUsage").contains("critical\n    Digital Signature\n"))
            #expect(try certificateExtension(certificate, "basicConstraints").contains("CA:FALSE"))
            #expect(try folder.mode("server/\(names.name).key") == 0o600)
            #expect(try folder.mode("server/\(names.name).pem") == 0o644)

            let verified = try verify(certificate, ca: folder.path("ca.pem"))
            #expect(verified.status == 0 && verified.stdout.contains(": OK"), "\(verified.stderr)")
            let text = try openssl("x509", "-in", certificate, "-noout", "-text").stdout
            #expect(text.contains("Signature Algorithm: ecdsa-with-SHA256"))
            #expect(text.contains("NIST CURVE: P-256"))
        }
    }

    @Test func printedPinsAreTheOpenSSLPipelines() throws {
        try withCA { folder in
            let result = try folder.succeed("server", "chat.example.org")
            let expected = try OpenSSLFingerprints(of: folder.path("server/chat.example.org.pem"))

            #expect(result.lines.contains("sha256:\(expected.certificate)"))
            #expect(result.lines.contains("spki:\(expected.spki)"))
            #expect(result.lines.contains("sha256//\(expected.spkiBase64)"))
        }
    }

    @Test func renewalKeepsTheKeyAndPinButIssuesANewCertificate() throws {
        try withCA { folder in
            let first = try folder.succeed("server", "chat.example.org", "--ip", "192.0.2.10")
            let key = try folder.contents("server/chat.example.org.key")
            let certificate = try folder.contents("server/chat.example.org.pem")

            let renewed = try folder.succeed("server", "chat.example.org", "--ip", "192.0.2.10")

            #expect(try folder.contents("server/chat.example.org.key") == key)
            #expect(try folder.mode("server/chat.example.org.key") == 0o600)
            #expect(try folder.contents("server/chat.example.org.pem") != certificate)
            #expect(first.line(startingWith: "spki:") == renewed.line(startingWith: "spki:"))
            #expect(first.line(startingWith: "sha256//") == renewed.line(startingWith: "sha256//"))
            #expect(first.line(startingWith: "sha256:") != renewed.line(startingWith: "sha256:"))
            #expect(renewed.stdout.contains("key kept"))

            let index = String(decoding: try folder.contents("ca-db/index.txt"), as: UTF8.self)
            #expect(index.split(separator: "\n").filter { $0.hasPrefix("V") && $0.hasSuffix("/CN=chat.example.org") }.count == 2)
            #expect(try verify(folder.path("server/chat.example.org.pem"), ca: folder.path("ca.pem")).status == 0)
        }
    }

    @Test func forceMakesANewKey() throws {
        try withCA { folder in
            let first = try folder.succeed("server", "chat.example.org")
            let key = try folder.contents("server/chat.example.org.key")

            let replaced = try folder.succeed("server", "chat.example.org", "--force")

            #expect(try folder.contents("server/chat.example.org.key") != key)
            #expect(try folder.mode("server/chat.example.org.key") == 0o600)
            #expect(first.line(startingWith: "spki:") != replaced.line(startingWith: "spki:"))
        }
    }

    @Test(arguments: [
        ["node_1"],
        ["bad name"],
        ["chat.example.org", "--dns", "a..b"],
        ["chat.example.org", "--ip", "300.1.1.1"],
        ["chat.example.org", "--frobnicate"],
        [],
    ])
    func badNamesAreUsageErrors(_ arguments: [String]) throws {
        try withCA { folder in
            let result = try runGenCerts(["--dir", folder.path, "server"] + arguments)
            #expect(result.status == 2)
            #expect(result.stderr.hasPrefix("gen-certs.sh: "))
            #expect(!folder.exists("server/node_1.key"))
        }
    }
}
