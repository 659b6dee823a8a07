import Foundation
import TLS
import TestSupport
import Testing

/// Checks the in-process test PKI against the `openssl` command line tool, an independent
/// judge of whether the certificates, keys and CRLs are what TLS tests assume they are.
@Suite(.timeLimit(.minutes(1)))
struct TestPKITests {
    // MARK: chains

    @Test(arguments: [(Certificate.server, "sslserver"), (.client, "sslclient")])
    func certificateVerifiesAgainstCAForItsUse(_ certificate: Certificate, purpose: String) async throws {
        let result = try await Self.verify(certificate, ["-purpose", purpose])
        #expect(result.status == 0, "\(result)")
        #expect(result.output.hasSuffix(": OK\n"))
    }

    @Test(arguments: [
        (Certificate.server, ["-purpose", "sslclient"], "unsuitable certificate purpose"),
        (.expiredClient, [], "certificate has expired"),
        (.notYetValidClient, [], "certificate is not yet valid"),
    ])
    func certificateIsRefusedByCAWithTheReason(_ certificate: Certificate, options: [String], reason: String) async throws {
        let result = try await Self.verify(certificate, options)
        #expect(result.status != 0)
        #expect(result.text.contains(reason), "\(result)")
    }

    @Test func foreignClientIsRefusedByCAButAcceptedByItsOwn() async throws {
        let pki = try TestPKI()
        let foreign = try pki.foreignClient()
        let refused = try await OpenSSLTool.run("verify", "-CAfile", pki.ca.certificatePath.path, foreign.certificatePath.path)
        #expect(refused.status != 0)
        #expect(refused.text.contains("unable to get local issuer certificate"), "\(refused)")
        let accepted = try await OpenSSLTool.run(
            "verify", "-CAfile", pki.otherCA.certificatePath.path, foreign.certificatePath.path)
        #expect(accepted.status == 0, "\(accepted)")
    }

    // MARK: revocation

    @Test func crlRevokesRevokedClientOnly() async throws {
        let pki = try TestPKI()
        let crl = try pki.crl()
        let revoked = try await OpenSSLTool.run(
            "verify", "-crl_check", "-CAfile", pki.ca.certificatePath.path, "-CRLfile", crl.path,
            try pki.revokedClient().certificatePath.path)
        #expect(revoked.status != 0)
        #expect(revoked.text.contains("certificate revoked"), "\(revoked)")
        let other = try await OpenSSLTool.run(
            "verify", "-crl_check", "-CAfile", pki.ca.certificatePath.path, "-CRLfile", crl.path,
            try pki.client("bob").certificatePath.path)
        #expect(other.status == 0, "\(other)")
    }

    @Test func crlListsEachRevokedSerial() async throws {
        let pki = try TestPKI()
        let first = try pki.client("first")
        let second = try pki.client("second")
        let crl = try pki.ca.writeCRL(revoking: [second, first])
        let result = try await OpenSSLTool.run("crl", "-in", crl.path, "-noout", "-text")
        #expect(result.status == 0, "\(result)")
        for serial in [first.serial, second.serial] {
            #expect(result.output.contains("Serial Number: " + Self.hex(serial)), "\(result)")
        }
        #expect(result.output.contains("X509v3 CRL Number"))
    }

    // MARK: certificate contents

    @Test func serverCarriesLocalhostAlternativeNames() async throws {
        let pki = try TestPKI()
        let result = try await OpenSSLTool.run(
            "x509", "-in", pki.server.certificatePath.path, "-noout", "-ext", "subjectAltName")
        #expect(result.status == 0, "\(result)")
        #expect(result.output.contains("DNS:localhost, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1"), "\(result)")
    }

    @Test func clientCommonNameIsTheNickAndIsMadeOnce() async throws {
        let pki = try TestPKI()
        let client = try pki.client("carol")
        #expect(try pki.client("carol").serial == client.serial)
        let result = try await OpenSSLTool.run(
            "x509", "-in", client.certificatePath.path, "-noout", "-subject", "-nameopt", "RFC2253")
        #expect(result.output == "subject=CN=carol\n", "\(result)")
    }

    @Test func caIsMarkedAsCriticalCertificateSigner() async throws {
        let pki = try TestPKI()
        let result = try await OpenSSLTool.run(
            "x509", "-in", pki.ca.certificatePath.path, "-noout", "-ext", "basicConstraints,keyUsage")
        #expect(result.output.contains("Basic Constraints: critical\n    CA:TRUE"), "\(result)")
        #expect(result.output.contains("Key Usage: critical\n    Certificate Sign, CRL Sign"), "\(result)")
    }

    @Test func certificateDERMatchesOpenSSLFingerprint() async throws {
        let pki = try TestPKI()
        let result = try await OpenSSLTool.run(
            "x509", "-in", pki.server.certificatePath.path, "-noout", "-fingerprint", "-sha256")
        #expect(result.status == 0, "\(result)")
        let ofDER = try await OpenSSLTool.run(
            "x509", "-inform", "der", "-noout", "-fingerprint", "-sha256", input: pki.server.certificateDER)
        #expect(ofDER.status == 0, "\(ofDER)")
        #expect(ofDER.output == result.output)
        let printed = try Fingerprint(parsing: result.output.trimmingCharacters(in: .whitespacesAndNewlines))
        #expect(printed == (try pki.server.info().fingerprint))
    }

    @Test func publicKeyDERMatchesOpenSSLSubjectPublicKeyInfo() async throws {
        let pki = try TestPKI()
        let client = try pki.client("dave")
        let pem = try await OpenSSLTool.run("x509", "-in", client.certificatePath.path, "-pubkey", "-noout")
        let der = try await OpenSSLTool.run("pkey", "-pubin", "-outform", "der", input: pem.outputBytes)
        #expect(der.status == 0, "\(der)")
        #expect(der.outputBytes == client.publicKeyDER)
    }

    // MARK: keys

    @Test func keyFilesAreReadableByOwnerOnly() throws {
        let pki = try TestPKI()
        for path in [pki.ca.keyPath, pki.otherCA.keyPath, pki.server.keyPath, try pki.client("erin").keyPath] {
            #expect(try Self.permissions(path) == 0o600, "\(path.path)")
        }
        #expect(try Self.permissions(pki.server.certificatePath) == 0o644)
    }

    @Test func keyCopyHasTheRequestedModeAndTheSameKey() async throws {
        let pki = try TestPKI()
        let copy = try pki.server.writeKeyCopy(permissions: 0o644)
        #expect(try Self.permissions(copy) == 0o644)
        #expect(Array(try Data(contentsOf: copy)) == pki.server.privateKeyPEM)
        #expect(throws: TLSError(.invalidConfiguration, "")) { try pki.server.writeKeyCopy(permissions: -1) }
    }

    @Test func encryptedKeyOpensOnlyWithItsPassphrase() async throws {
        let pki = try TestPKI()
        let client = try pki.client("frank")
        let encrypted = try client.writeEncryptedKey(passphrase: "correct horse")
        #expect(try Self.permissions(encrypted) == 0o600)
        #expect(String(decoding: try Data(contentsOf: encrypted), as: UTF8.self)
            .hasPrefix("-----BEGIN ENCRYPTED PRIVATE KEY-----"))

        let wrong = try await OpenSSLTool.run("pkey", "-in", encrypted.path, "-passin", "pass:battery staple", "-noout")
        #expect(wrong.status != 0)
        let right = try await OpenSSLTool.run(
            "pkey", "-in", encrypted.path, "-passin", "pass:correct horse", "-pubout", "-outform", "der")
        #expect(right.status == 0, "\(right)")
        #expect(right.outputBytes == client.publicKeyDER)
    }

    @Test func keyFilesMatchTheirCertificatesInAnSSLContext() throws {
        let pki = try TestPKI()
        let renewed = try pki.ca.issue(commonName: "heidi", reuseKeyOf: try pki.client("heidi"))
        for identity in [pki.server, try pki.client("heidi"), renewed] {
            // TLSContext loads both files into an SSL_CTX and throws keyMismatch unless
            // OpenSSL finds that the key belongs to the certificate.
            let context = try TLSContext(client: pki.clientConfiguration(identity, pins: [try identity.info().publicKeyFingerprint]))
            #expect(context.certificate?.fingerprint == (try identity.info().fingerprint), "\(identity.commonName)")
        }
    }

    // MARK: issuing

    @Test func serialsAreUniqueAndReusedKeysKeepTheirPublicKey() throws {
        let pki = try TestPKI()
        let original = try pki.client("grace")
        let renewed = try pki.ca.issue(commonName: "grace", reuseKeyOf: original)
        #expect(renewed.publicKeyDER == original.publicKeyDER)
        #expect(renewed.serial != original.serial)
        let serials = try (0..<20).map { try pki.ca.issue(commonName: "user\($0)").serial }
        #expect(Set(serials + [original.serial, renewed.serial, pki.server.serial]).count == 23)
    }

    @Test func malformedAlternativeNameThrowsWithOpenSSLReason() throws {
        let pki = try TestPKI()
        let error = try #require(throws: TLSError.self) {
            try pki.ca.issue(commonName: "bad", ipAddresses: ["not-an-address"])
        }
        #expect(error.code == .issuanceFailed)
        #expect(!error.openSSLErrors.isEmpty, "\(error)")
    }

    @Test func folderIsRemovedWithThePKI() throws {
        var pki: TestPKI? = try TestPKI()
        let directory = try #require(pki?.directory)
        #expect(FileManager.default.fileExists(atPath: directory.path))
        pki = nil
        #expect(!FileManager.default.fileExists(atPath: directory.path))
    }

    // MARK: helpers

    /// A certificate of a fresh test PKI, named so that a table of tests can list it.
    enum Certificate: Sendable {
        case server, client, expiredClient, notYetValidClient

        func path(in pki: TestPKI) throws -> String {
            switch self {
            case .server: pki.server.certificatePath.path
            case .client: try pki.client("alice").certificatePath.path
            case .expiredClient: try pki.expiredClient().certificatePath.path
            case .notYetValidClient: try pki.notYetValidClient().certificatePath.path
            }
        }
    }

    /// `openssl verify options… -CAfile <the CA> <certificate>` in a fresh test PKI.
    private static func verify(_ certificate: Certificate, _ options: [String]) async throws -> OpenSSLTool.Result {
        let pki = try TestPKI()
        let arguments = ["verify"] + options + ["-CAfile", pki.ca.certificatePath.path, try certificate.path(in: pki)]
        return try await OpenSSLTool.run(arguments)
    }

    private static func permissions(_ url: URL) throws -> Int {
        let attributes = try FileManager.default.attributesOfItem(atPath: url.path)
        return try #require(attributes[.posixPermissions] as? Int)
    }

    /// How `openssl crl -text` prints a serial: upper-case hex, an even number of digits.
    private static func hex(_ serial: Int) -> String {
        let digits = String(serial, radix: 16, uppercase: true)
        return digits.count % 2 == 0 ? digits : "0" + digits
    }
}

/// Runs `/usr/bin/openssl` with a time bound and collects what it printed.
private enum OpenSSLTool {
    struct Result: CustomStringConvertible {
        var status: Int32
        var outputBytes: [UInt8]
        var errors: String
        var output: String { String(decoding: outputBytes, as: UTF8.self) }
        /// Standard output and standard error together: `verify` splits its verdict across both.
        var text: String { output + errors }
        var description: String { "openssl exited \(status); stdout: \(output) stderr: \(errors)" }
    }

    /// Runs `openssl arguments…`, feeding `input` on standard input; kills it after 10 s.
    static func run(_ arguments: String..., input: [UInt8] = []) async throws -> Result {
        try await run(arguments, input: input)
    }

    static func run(_ arguments: [String], input: [UInt8] = []) async throws -> Result {
        let exit = try await ChildProcess("/usr/bin/openssl", arguments, input: input).waitForExit(timeout: .seconds(10))
        return Result(status: exit.status, outputBytes: exit.stdoutBytes, errors: exit.stderr)
    }
}
