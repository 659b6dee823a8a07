import Testing
import TLS

@Suite("Fingerprint parsing")
struct FingerprintTests {
    static let hex = "3f2a4b5c6d7e8f901a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f7081"
    static let colonUpper = stride(from: 0, to: 64, by: 2).map { i -> String in
        let start = hex.index(hex.startIndex, offsetBy: i)
        return hex[start..<hex.index(start, offsetBy: 2)].uppercased()
    }.joined(separator: ":")
    static let base64 = "PypLXG1+j5AaKzxNXm9wgZKjtMXW5/gJGis8TV5vcIE="

    @Test(arguments: [
        ("sha256:" + hex, Fingerprint.Kind.certificate),
        ("SHA256:" + hex.uppercased(), .certificate),
        ("sha256:" + colonUpper, .certificate),
        ("SHA256 Fingerprint=" + colonUpper, .certificate),
        (colonUpper, .certificate),
        (hex, .certificate),
        ("spki:" + hex, .publicKey),
        ("SPKI:" + colonUpper, .publicKey),
        ("sha256//" + base64, .publicKey),
        ("  sha256:" + hex + "  ", .certificate),
    ])
    func acceptedSpellings(text: String, kind: Fingerprint.Kind) throws {
        let fingerprint = try Fingerprint(parsing: text)
        #expect(fingerprint.kind == kind)
        #expect(fingerprint.hex == Self.hex)
    }

    @Test func canonicalSpellingsRoundTrip() throws {
        let certificate = try Fingerprint(parsing: "sha256:" + Self.hex)
        #expect(certificate.description == "sha256:" + Self.hex)
        #expect(try Fingerprint(parsing: certificate.description) == certificate)
        let key = try Fingerprint(parsing: "spki:" + Self.hex)
        #expect(key.description == "sha256//" + Self.base64)
        #expect(key.hexDescription == "spki:" + Self.hex)
        #expect(try Fingerprint(parsing: key.description) == key)
    }

    @Test func kindsAreDistinct() throws {
        #expect(try Fingerprint(parsing: "sha256:" + Self.hex) != Fingerprint(parsing: "spki:" + Self.hex))
    }

    @Test(arguments: [
        "",
        "sha256:",
        "sha256:" + String(hex.dropLast()),
        "sha256:" + hex + "00",
        "sha256:" + String(hex.dropLast()) + "g",
        "sha256//not-base64!",
        "sha256//" + "AAAA",
        "md5:" + hex,
    ])
    func rejectsMalformed(text: String) {
        #expect(throws: TLSError(.invalidFingerprint, "")) { try Fingerprint(parsing: text) }
    }

    @Test func errorNamesTheAcceptedFormats() {
        let error = #expect(throws: TLSError.self) { try Fingerprint(parsing: "sha256:12") }
        #expect(error?.reason.contains("sha256//BASE64") == true)
        #expect(error?.reason.contains("'sha256:12'") == true)
    }
}
