import Foundation

/// Writes PEM (or any bytes) to a file with exactly the permissions asked for.
///
/// The file is created with its final mode and then `fchmod`ed, so a private key is never
/// readable by others for a moment and the process umask cannot change the result. Plain
/// open/write/close: an atomic write (temporary file, rename) triples the file-system
/// work, which dominates writing thousands of certificates.
package enum PEMWriter {
    /// Creates `path` holding `bytes`, with mode `permissions`.
    ///
    /// - `replacing`: when true, a file already at `path` is removed first; when false, an
    ///   existing file is an error, so two writers cannot silently share a name.
    /// - Throws: ``TLSError/Code/invalidConfiguration`` when `permissions` is not a file mode
    ///   in 0...0o777; ``TLSError/Code/fileUnwritable`` naming the path and the system's
    ///   reason when the file cannot be created or written.
    package static func write(_ bytes: [UInt8], toPath path: String, permissions: Int, replacing: Bool = false) throws(TLSError) {
        guard (0...0o777).contains(permissions) else {
            throw TLSError(.invalidConfiguration, "permissions \(String(permissions, radix: 8)) are not a file mode 0...0777")
        }
        if replacing && unlink(path) != 0 && errno != ENOENT {
            throw Self.failure("replace", path)
        }
        let mode = mode_t(permissions)
        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode)
        guard descriptor >= 0 else { throw Self.failure("create", path) }
        defer { close(descriptor) }
        guard fchmod(descriptor, mode) == 0 else { throw Self.failure("chmod", path) }
        var written = 0
        while written < bytes.count {
            let result = bytes.withUnsafeBytes { buffer -> Int in
                guard let base = buffer.baseAddress else { return 0 }
                return systemWrite(descriptor, base + written, buffer.count - written)
            }
            if result < 0 && errno == EINTR { continue }
            guard result > 0 else { throw Self.failure("write", path) }
            written += result
        }
    }

    private static func failure(_ step: String, _ path: String) -> TLSError {
        TLSError(.fileUnwritable, "cannot \(step) \(path): \(String(cString: strerror(errno))); check the folder's permissions")
    }
}

/// The system's `write(2)`, out of reach of ``PEMWriter/write(_:toPath:permissions:replacing:)``'s name.
private func systemWrite(_ descriptor: Int32, _ bytes: UnsafeRawPointer, _ count: Int) -> Int {
    write(descriptor, bytes, count)
}
