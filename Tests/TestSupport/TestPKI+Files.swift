import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Writing PEM files with exact permissions.
enum PKIFiles {
    /// Creates `url` (which must not exist yet) holding `bytes`, with exactly `permissions`.
    ///
    /// The file is created with its final mode and then `fchmod`ed, so a private key is never
    /// readable by others for a moment, and the process umask cannot change the result.
    static func create(_ url: URL, bytes: [UInt8], permissions: Int) throws {
        guard (0...0o777).contains(permissions) else {
            throw TestPKIError(.invalidRequest, "permissions \(String(permissions, radix: 8)) are not a file mode 0...0777")
        }
        let mode = mode_t(permissions)
        let descriptor = open(url.path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode)
        guard descriptor >= 0 else { throw failure("create", url) }
        defer { close(descriptor) }
        guard fchmod(descriptor, mode) == 0 else { throw failure("chmod", url) }
        var written = 0
        while written < bytes.count {
            let result = bytes.withUnsafeBytes { buffer -> Int in
                guard let base = buffer.baseAddress else { return 0 }
                return write(descriptor, base + written, buffer.count - written)
            }
            if result < 0 && errno == EINTR { continue }
            guard result > 0 else { throw failure("write", url) }
            written += result
        }
    }

    /// Creates `url` as a folder only its owner can enter, with any missing parents.
    static func createDirectory(_ url: URL) throws {
        do {
            try FileManager.default.createDirectory(
                at: url, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            throw TestPKIError(.fileSystem, "cannot create \(url.path): \(error)")
        }
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

    private static func failure(_ step: String, _ url: URL) -> TestPKIError {
        TestPKIError(.fileSystem, "cannot \(step) \(url.path): \(String(cString: strerror(errno)))")
    }
}
