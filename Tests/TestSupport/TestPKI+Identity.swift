import Foundation
import TLS

/// A leaf certificate and its private key, as PEM files and as bytes.
///
/// The files live in the issuing authority's folder; when that folder belongs to a
/// `TestPKI`, they disappear with it, so keep the `TestPKI` alive while using the paths.
public struct TestIdentity: Sendable {
    public let commonName: String
    /// PEM certificate.
    public let certificatePath: URL
    /// Unencrypted PKCS#8 PEM private key, mode 0600.
    public let keyPath: URL
    public let serial: Int
    public let certificateDER: [UInt8]
    public let certificatePEM: [UInt8]
    /// SubjectPublicKeyInfo DER: what a public key pin is computed over.
    public let publicKeyDER: [UInt8]
    /// The contents of `keyPath`.
    public let privateKeyPEM: [UInt8]
    /// The key itself, to sign again (`reuseKeyOf:`) or write in another form.
    let key: PrivateKey

    /// Writes this identity's key encrypted with `passphrase` (AES-256-CBC, PKCS#8 PEM) to a
    /// new file, mode 0600, next to `keyPath`; returns its path.
    public func writeEncryptedKey(passphrase: String) throws -> URL {
        let pem = try key.pem(encryptedWith: passphrase)
        let url = siblingOfKey("encrypted")
        try PKIFiles.create(url, bytes: pem, permissions: 0o600)
        return url
    }

    /// Writes an unencrypted copy of this identity's key with the given mode (for example
    /// 0o644, to check that a key others can read is refused); returns its path.
    public func writeKeyCopy(permissions: Int) throws -> URL {
        let url = siblingOfKey("mode-" + String(permissions, radix: 8))
        try PKIFiles.create(url, bytes: privateKeyPEM, permissions: permissions)
        return url
    }

    /// A new, unused name next to `keyPath`: `<key name>-<variant>-<random>.key`.
    private func siblingOfKey(_ variant: String) -> URL {
        let base = keyPath.deletingPathExtension().lastPathComponent
        let unique = UUID().uuidString.prefix(8).lowercased()
        return keyPath.deletingLastPathComponent().appendingPathComponent("\(base)-\(variant)-\(unique).key")
    }
}
