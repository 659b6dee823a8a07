import COpenSSL

/// Collects what an OpenSSL `PEM_write_bio_*` call writes, through a memory BIO.
enum MemoryBIO {
    /// Runs `write` on a fresh memory BIO and returns every byte it wrote.
    ///
    /// - Throws: ``TLSError/Code/issuanceFailed`` naming `what` when the BIO cannot be made
    ///   or `write` returns below 1.
    static func collect(
        _ what: String, file: String = #fileID, line: Int = #line, _ write: (OpaquePointer) -> Int32
    ) throws(TLSError) -> [UInt8] {
        let bio = try OpenSSLCall.make("BIO_new(BIO_s_mem)", file: file, line: line) { BIO_new(BIO_s_mem()) }
        defer { BIO_free(bio) }
        try OpenSSLCall.check(what, file: file, line: line) { write(bio) }
        var memory: UnsafeMutablePointer<BUF_MEM>?
        try OpenSSLCall.check("BIO_get_mem_ptr", file: file, line: line) {
            Int32(COpenSSL_BIO_get_mem_ptr(bio, &memory))
        }
        guard let memory, let data = memory.pointee.data else { return [] }
        return data.withMemoryRebound(to: UInt8.self, capacity: memory.pointee.length) {
            Array(UnsafeBufferPointer(start: $0, count: memory.pointee.length))
        }
    }
}
