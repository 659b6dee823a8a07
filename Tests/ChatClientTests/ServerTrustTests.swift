@testable import ChatClient
import Foundation
import TLS
import TestSupport
import Testing

@Suite struct ServerTrustTests {
    enum Expected: Sendable, CustomStringConvertible {
        case accept, ask, refuse(ChatClientError.Code)
        var description: String {
            switch self {
            case .accept: "accept"
            case .ask: "ask"
            case .refuse(let code): "refuse(\(code))"
            }
        }
    }

    /// pins: server key, other key, both; known: server key, other key; interactive or not.
    static let cases: [(name: String, pins: String, known: String?, interactive: Bool, expected: Expected)] = [
        ("pin matches", "server", nil, false, .accept),
        ("one of several pins matches", "other+server", nil, false, .accept),
        ("pin mismatch", "other", nil, true, .refuse(.pinMismatch)),
        ("pin wins over a stale known entry", "server", "other", false, .accept),
        ("known entry matches", "", "server", false, .accept),
        ("known entry mismatch", "", "other", true, .refuse(.knownServerMismatch)),
        ("first contact, interactive", "", nil, true, .ask),
        ("first contact, script", "", nil, false, .refuse(.untrustedServer)),
    ]

    @Test(arguments: cases)
    func decides(_ item: (name: String, pins: String, known: String?, interactive: Bool, expected: Expected)) throws {
        let pki = try TestPKI()
        let server = try pki.server.info()
        let other = try pki.client("mallory").info()
        func key(_ name: String) -> Fingerprint { name == "server" ? server.publicKeyFingerprint : other.publicKeyFingerprint }
        let pins = item.pins.split(separator: "+").map { key(String($0)) }
        let known = item.known.map { KnownServers.Entry(address: "chat:6697", key: key($0), line: 3) }
        let decision = ServerTrust.decide(
            address: "chat:6697", pins: pins, known: known, knownServers: nil, presented: server, interactive: item.interactive)
        switch (decision, item.expected) {
        case (.accept, .accept): break
        case (.ask(let contact), .ask):
            #expect(contact.publicKey == server.publicKeyFingerprint)
            #expect(contact.prompt.contains(server.publicKeyFingerprint.description))
            #expect(contact.prompt.contains(server.fingerprint.description))
        case (.refuse(let error), .refuse(let code)):
            #expect(error.code == code)
            #expect(error.reason.contains(server.publicKeyFingerprint.description))
        default:
            Issue.record("\(item.name): expected \(item.expected), got \(decision)")
        }
    }

    @Test func scriptFirstContactNamesThePinToAdd() throws {
        let pki = try TestPKI()
        let server = try pki.server.info()
        let decision = ServerTrust.decide(
            address: "chat:6697", pins: [], known: nil, knownServers: nil, presented: server, interactive: false)
        guard case .refuse(let error) = decision else {
            Issue.record("expected a refusal, got \(decision)")
            return
        }
        #expect(error.reason.contains("--pin \(server.publicKeyFingerprint)"))
        #expect(error.reason.contains("pin = \"\(server.publicKeyFingerprint)\""))
    }

    @Test func pinMismatchNamesBothPins() throws {
        let pki = try TestPKI()
        let server = try pki.server.info()
        let other = try pki.client("mallory").info().publicKeyFingerprint
        let error = ServerTrust.pinMismatch(address: "chat:6697", pins: [other], presented: server)
        #expect(error.reason.contains(other.description))
        #expect(error.reason.contains(server.publicKeyFingerprint.description))
    }

    @Test func expiryWarningNamesTheRenewalCommand() throws {
        let pki = try TestPKI()
        let certificate = try pki.client("alice").info()
        let soon = certificate.notAfter.addingTimeInterval(-3 * 86_400)
        let warning = try #require(CertificateExpiry.warning(for: certificate, nick: "alice", days: 14, now: soon))
        #expect(warning.contains("scripts/gen-certs.sh client alice"))
        #expect(CertificateExpiry.warning(for: certificate, nick: "alice", days: 14, now: certificate.notAfter.addingTimeInterval(-30 * 86_400)) == nil)
        let expired = try #require(CertificateExpiry.warning(for: certificate, nick: "alice", days: 14, now: certificate.notAfter.addingTimeInterval(86_400)))
        #expect(expired.contains("expired"))
    }
}
