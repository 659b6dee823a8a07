import Foundation
import Testing
import TestSupport
import TLS

/// Configuration errors: each names the file and the fix.
@Suite("TLS context configuration")
struct TLSContextTests {
    let pki: TestPKI
    init() throws { self.pki = try TestPKI() }

    private func path(_ url: URL) -> String { url.path(percentEncoded: false) }

    private func write(_ text: String, named name: String, mode: Int = 0o600) throws -> String {
        let url = self.pki.directory.appending(path: name)
        try Data(text.utf8).write(to: url)
        try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: self.path(url))
        return self.path(url)
    }

    @Test func validServerAndClientContextsLoad() throws {
        let server = try self.pki.serverContext()
        #expect(server.role == .server)
        #expect(server.certificate?.commonName == "localhost")
        let client = try self.pki.clientContext("alice")
        #expect(client.role == .client)
        #expect(client.certificate?.commonName == "alice")
    }

    @Test func missingCertificateFileIsNamed() {
        var configuration = self.pki.serverConfiguration()
        configuration.certificatePath = "/nonexistent/server.pem"
        let error = #expect(throws: TLSError(.fileUnreadable, "")) { try TLSContext(server: configuration) }
        #expect(error?.reason.contains("/nonexistent/server.pem") == true)
        #expect(error?.reason.contains("No such file") == true)
    }

    @Test func unreadableKeyFileIsNamed() throws {
        guard getuid() != 0 else { return }  // root reads everything
        var configuration = self.pki.serverConfiguration()
        configuration.privateKeyPath = try self.write("x", named: "unreadable.key", mode: 0o000)
        #expect(throws: TLSError(.fileUnreadable, "")) { try TLSContext(server: configuration) }
    }

    @Test func certificateFileHoldingAKeyIsRefused() {
        var configuration = self.pki.serverConfiguration()
        configuration.certificatePath = configuration.privateKeyPath
        let error = #expect(throws: TLSError(.invalidPEM, "")) { try TLSContext(server: configuration) }
        #expect(error?.reason.contains("PRIVATE KEY") == true)
        #expect(error?.reason.contains("not a certificate") == true)
    }

    @Test func nonPEMFileIsRefused() throws {
        var configuration = self.pki.serverConfiguration()
        configuration.clientCAPath = try self.write("just some text\n", named: "notpem.pem")
        let error = #expect(throws: TLSError(.invalidPEM, "")) { try TLSContext(server: configuration) }
        #expect(error?.reason.contains("notpem.pem is not PEM") == true)
    }

    @Test func keyFileHoldingACertificateIsRefused() throws {
        var configuration = self.pki.serverConfiguration()
        let copy = try self.write(String(contentsOf: self.pki.server.certificatePath, encoding: .utf8), named: "cert-as-key.pem")
        configuration.privateKeyPath = copy
        let error = #expect(throws: TLSError(.invalidPEM, "")) { try TLSContext(server: configuration) }
        #expect(error?.reason.contains("CERTIFICATE") == true)
    }

    @Test func encryptedKeyWithoutPassphraseIsRefusedWithTheFix() throws {
        var configuration = self.pki.serverConfiguration()
        configuration.privateKeyPath = self.path(try self.pki.server.writeEncryptedKey(passphrase: "s3cret"))
        let error = #expect(throws: TLSError(.encryptedKey, "")) { try TLSContext(server: configuration) }
        #expect(error?.reason.contains("openssl pkey -in") == true)
    }

    @Test func encryptedKeyWithPassphraseLoads() throws {
        var configuration = self.pki.serverConfiguration()
        configuration.privateKeyPath = self.path(try self.pki.server.writeEncryptedKey(passphrase: "s3cret"))
        configuration.privateKeyPassphrase = "s3cret"
        #expect(try TLSContext(server: configuration).certificate?.commonName == "localhost")
    }

    @Test func encryptedKeyWithWrongPassphraseIsRefused() throws {
        var configuration = self.pki.serverConfiguration()
        configuration.privateKeyPath = self.path(try self.pki.server.writeEncryptedKey(passphrase: "s3cret"))
        configuration.privateKeyPassphrase = "wrong"
        let error = #expect(throws: TLSError(.encryptedKey, "")) { try TLSContext(server: configuration) }
        #expect(error?.reason.contains("wrong passphrase") == true)
    }

    @Test func keyOfAnotherCertificateIsRefused() throws {
        var configuration = self.pki.serverConfiguration()
        configuration.privateKeyPath = self.path(try self.pki.client("alice").keyPath)
        let error = #expect(throws: TLSError(.keyMismatch, "")) { try TLSContext(server: configuration) }
        #expect(error?.reason.contains("does not belong to certificate") == true)
    }

    @Test(arguments: [0o644, 0o640, 0o604, 0o660])
    func keyReadableByOthersIsRefusedWithChmod(mode: Int) throws {
        let key = self.path(self.pki.server.keyPath)
        let copy = try self.write(String(contentsOfFile: key, encoding: .utf8), named: "open-\(mode).key", mode: mode)
        var configuration = self.pki.serverConfiguration()
        configuration.privateKeyPath = copy
        let error = #expect(throws: TLSError(.insecureKeyPermissions, "")) { try TLSContext(server: configuration) }
        #expect(error?.reason.contains("chmod 600 \(copy)") == true)
    }

    @Test func clientThatRecognisesNoServerIsRefused() throws {
        let configuration = self.pki.clientConfiguration(try self.pki.client("alice"))
        let error = #expect(throws: TLSError(.invalidConfiguration, "")) { try TLSContext(client: configuration) }
        #expect(error?.reason.contains("pin") == true)
    }

    @Test func clientCertificateWithoutKeyIsRefused() throws {
        var configuration = self.pki.clientConfiguration(try self.pki.client("alice"), verifyByCA: true)
        configuration.privateKeyPath = nil
        #expect(throws: TLSError(.invalidConfiguration, "")) { try TLSContext(client: configuration) }
    }

    @Test func missingCRLIsNamed() {
        var configuration = self.pki.serverConfiguration()
        configuration.crlPath = "/nonexistent/crl.pem"
        let error = #expect(throws: TLSError(.fileUnreadable, "")) { try TLSContext(server: configuration) }
        #expect(error?.reason.contains("/nonexistent/crl.pem") == true)
    }
}
