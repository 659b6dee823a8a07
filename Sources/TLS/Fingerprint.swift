import Foundation

/// A SHA-256 fingerprint of a certificate or of its public key (SubjectPublicKeyInfo).
///
/// Used both for pinning a server and for binding client certificates to nicknames. A
/// public-key fingerprint survives certificate renewal with the same key; a certificate
/// fingerprint changes with every new certificate.
///
/// Accepted spellings (``init(parsing:)``):
/// - `sha256:HEX` — certificate; colons between bytes and upper or lower case are ignored,
///   as `openssl x509 -fingerprint -sha256`, irssi and WeeChat print it;
///   `SHA256 Fingerprint=AB:CD:…` (openssl's full line) and bare 64-digit hex are accepted too.
/// - `spki:HEX` — public key, hex.
/// - `sha256//BASE64` — public key, curl's `--pinnedpubkey` format.
public struct Fingerprint: Hashable, Sendable, CustomStringConvertible {
    /// What the digest was computed over.
    public enum Kind: Hashable, Sendable {
        /// The certificate's DER encoding.
        case certificate
        /// The DER SubjectPublicKeyInfo (the public key and its algorithm).
        case publicKey
    }

    public let kind: Kind
    /// The 32 bytes of the SHA-256 digest.
    public let digest: [UInt8]

    /// Creates a fingerprint from a digest; `digest` must hold exactly 32 bytes.
    public init(kind: Kind, digest: [UInt8]) {
        precondition(digest.count == 32, "a SHA-256 digest has 32 bytes")
        self.kind = kind
        self.digest = digest
    }

    /// Parses a fingerprint in any accepted spelling (see the type's documentation).
    ///
    /// - Throws: ``TLSError/Code/invalidFingerprint`` with the accepted spellings when the
    ///   text matches none of them or has the wrong length.
    public init(parsing text: String) throws(TLSError) {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        let lowered = trimmed.lowercased()
        if lowered.hasPrefix("sha256//") {
            let encoded = String(trimmed.dropFirst("sha256//".count))
            guard let data = Data(base64Encoded: encoded), data.count == 32 else {
                throw Self.invalid(text, "the part after sha256// must be the base64 of 32 bytes")
            }
            self.init(kind: .publicKey, digest: Array(data))
        } else if lowered.hasPrefix("spki:") {
            self.init(kind: .publicKey, digest: try Self.hexDigest(lowered.dropFirst("spki:".count), in: text))
        } else if lowered.hasPrefix("sha256 fingerprint=") {
            self.init(kind: .certificate, digest: try Self.hexDigest(lowered.dropFirst("sha256 fingerprint=".count), in: text))
        } else if lowered.hasPrefix("sha256:") {
            self.init(kind: .certificate, digest: try Self.hexDigest(lowered.dropFirst("sha256:".count), in: text))
        } else {
            self.init(kind: .certificate, digest: try Self.hexDigest(Substring(lowered), in: text))
        }
    }

    /// The canonical spelling: `sha256:hex` for a certificate, `sha256//base64` for a key.
    public var description: String {
        switch self.kind {
        case .certificate: "sha256:" + self.hex
        case .publicKey: "sha256//" + Data(self.digest).base64EncodedString()
        }
    }

    /// The digest as 64 lowercase hex digits.
    public var hex: String {
        String(unsafeUninitializedCapacity: 64) { buffer in
            let digits = Array("0123456789abcdef".utf8)
            for (index, byte) in self.digest.enumerated() {
                buffer[2 * index] = digits[Int(byte >> 4)]
                buffer[2 * index + 1] = digits[Int(byte & 0x0f)]
            }
            return 64
        }
    }

    /// The hex spelling with its kind: `sha256:hex` or `spki:hex`.
    public var hexDescription: String {
        switch self.kind {
        case .certificate: "sha256:" + self.hex
        case .publicKey: "spki:" + self.hex
        }
    }

    /// True when this fingerprint names the given certificate.
    public func matches(_ certificate: CertificateInfo) -> Bool {
        switch self.kind {
        case .certificate: self == certificate.fingerprint
        case .publicKey: self == certificate.publicKeyFingerprint
        }
    }

    private static func hexDigest(_ text: Substring, in original: String) throws(TLSError) -> [UInt8] {
        var digest: [UInt8] = []
        digest.reserveCapacity(32)
        var high: UInt8?
        for character in text.utf8 where character != UInt8(ascii: ":") {
            let nibble: UInt8
            switch character {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): nibble = character - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): nibble = character - UInt8(ascii: "a") + 10
            default: throw Self.invalid(original, "it contains a character that is not a hex digit")
            }
            if let pending = high {
                digest.append(pending << 4 | nibble)
                high = nil
            } else {
                high = nibble
            }
        }
        guard high == nil, digest.count == 32 else {
            throw Self.invalid(original, "a SHA-256 fingerprint has 64 hex digits")
        }
        return digest
    }

    private static func invalid(_ text: String, _ why: String) -> TLSError {
        TLSError(
            .invalidFingerprint,
            "'\(text)' is not a fingerprint: \(why); use sha256:HEX (certificate), spki:HEX or sha256//BASE64 (public key)"
        )
    }
}
