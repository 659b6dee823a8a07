import Foundation
import TLS

/// The test PKI's folder, file names and files.
enum PKIFiles {
    /// Creates `url` (which must not exist yet) holding `bytes`, with exactly `permissions`.
    ///
    /// Throws `TLSError`: `invalidConfiguration` for a mode outside 0...0777,
    /// `fileUnwritable` when the file exists or cannot be written.
    static func create(_ url: URL, bytes: [UInt8], permissions: Int) throws {
        try PEMWriter.write(bytes, toPath: url.path(percentEncoded: false), permissions: permissions)
    }

    /// Creates `url` as a folder only its owner can enter, with any missing parents.
    static func createDirectory(_ url: URL) throws {
        try FileManager.default.createDirectory(
            at: url, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
    }

    /// A file name made of lower-case letters, digits and dashes, from any text.
    static func slug(_ text: String) -> String {
        var slug = ""
        for scalar in text.lowercased().unicodeScalars {
            if ("a"..."z").contains(scalar) || ("0"..."9").contains(scalar) {
                slug.unicodeScalars.append(scalar)
            } else if !slug.isEmpty && !slug.hasSuffix("-") {
                slug += "-"
            }
        }
        while slug.hasSuffix("-") { slug.removeLast() }
        return slug.isEmpty ? "unnamed" : slug
    }
}
