#if canImport(Darwin)
import Darwin
#elseif canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

extension UnsafeRawBufferPointer {
    /// The offset of the first `byte` in `start..<end` (`end` defaults to the whole
    /// buffer), found with `memchr`, which the C library vectorises; or `nil`.
    func offset(of byte: UInt8, from start: Int = 0, to end: Int? = nil) -> Int? {
        let end = end ?? count
        guard let base = baseAddress, start < end else { return nil }
        guard let found = memchr(base + start, Int32(byte), end - start) else { return nil }
        return UnsafeRawPointer(found) - UnsafeRawPointer(base)
    }

    /// The offset of the first NUL, CR or LF, or `nil`: one pass over the bytes. A plain
    /// loop, because a generic `firstIndex(where:)` on the buffer was not specialised and
    /// cost a protocol call per byte (a twentieth of a private message's server time).
    func offsetOfLineBreakOrNUL() -> Int? {
        guard let base = baseAddress else { return nil }
        for offset in 0..<count {
            let byte = base.load(fromByteOffset: offset, as: UInt8.self)
            // One comparison for the usual byte, three only below 14.
            if byte <= 13, byte == 0 || byte == 10 || byte == 13 { return offset }
        }
        return nil
    }
}
