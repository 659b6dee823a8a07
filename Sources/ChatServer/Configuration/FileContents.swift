#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Reading small configuration files (allowlist, TOML, MOTD) whole, with the system's own
/// reason when that fails, so a message can say "No such file or directory" rather than a
/// generic Foundation error.
enum FileContents {
    /// Why a file could not be read: `strerror` of the failing call.
    struct Failure: Error {
        let errno: Int32
        var reason: String { String(cString: strerror(self.errno)) }
    }

    /// Files larger than this are refused: configuration files are small, and a wrong
    /// path (a device, a log) must not make the server read gigabytes.
    static let maximumSize = 16 << 20

    /// The bytes of the file at `path`.
    ///
    /// - Throws: ``Failure`` with the errno of `open`, `fstat` or `read`; `EISDIR` for a
    ///   folder and `EFBIG` for a file over ``maximumSize``.
    static func bytes(atPath path: String) throws(Failure) -> [UInt8] {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw Failure(errno: errno) }
        defer { close(descriptor) }

        var status = stat()
        guard fstat(descriptor, &status) == 0 else { throw Failure(errno: errno) }
        if (status.st_mode & S_IFMT) == S_IFDIR { throw Failure(errno: EISDIR) }

        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count == 0 { return bytes }
            if count < 0 {
                if errno == EINTR { continue }
                throw Failure(errno: errno)
            }
            bytes.append(contentsOf: chunk[0..<count])
            if bytes.count > Self.maximumSize { throw Failure(errno: EFBIG) }
        }
    }

    /// The bytes of the file at `path`, which the operator named; or `contents` when given,
    /// the bytes a ``FileWatcher`` read from it once a write was complete, which reading the
    /// file again could miss.
    ///
    /// - Throws: ``ConfigurationError`` `.fileUnreadable`, `path: cannot read: <reason>; <fix>`.
    static func bytes(
        atPath path: String, given contents: [UInt8]? = nil, fix: String, file: String = #fileID, line: Int = #line
    ) throws(ConfigurationError) -> [UInt8] {
        if let contents { return contents }
        do {
            return try Self.bytes(atPath: path)
        } catch {
            throw ConfigurationError(.fileUnreadable, "\(path): cannot read: \(error.reason); \(fix)", file: file, line: line)
        }
    }

    /// `bytes` as text split into lines: a leading UTF-8 byte order mark is dropped, lines
    /// end at LF with an optional CR before it, and a final line break does not start an
    /// extra empty line.
    ///
    /// When `strict`, fails with the 1-based number of the first line that is not valid
    /// UTF-8; otherwise invalid sequences become U+FFFD and it always succeeds.
    static func lines(_ bytes: [UInt8], strict: Bool) -> Result<[String], InvalidLine> {
        var body = bytes[...]
        if body.starts(with: [0xEF, 0xBB, 0xBF]) { body = body.dropFirst(3) }
        var lines: [String] = []
        var rest = body
        while !rest.isEmpty {
            let end = rest.firstIndex(of: UInt8(ascii: "\n")) ?? rest.endIndex
            var line = rest[rest.startIndex..<end]
            if line.last == UInt8(ascii: "\r") { line = line.dropLast() }
            if strict {
                guard let text = String(validating: line, as: UTF8.self) else {
                    return .failure(InvalidLine(number: lines.count + 1))
                }
                lines.append(text)
            } else {
                lines.append(String(decoding: line, as: UTF8.self))
            }
            rest = end == rest.endIndex ? rest[end...] : rest[rest.index(after: end)...]
        }
        return .success(lines)
    }

    /// The 1-based number of a line that is not valid UTF-8.
    struct InvalidLine: Error {
        let number: Int
    }
}
