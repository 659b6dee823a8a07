/// Splits piped input into lines: LF or CRLF terminated, UTF-8 decoded.
///
/// Used when standard input is not a terminal, so scripts and tests can pipe commands in.
struct LineSplitter: Sendable {
    private var partial: [UInt8] = []

    init() {}

    /// The lines completed by `bytes`, without their terminators.
    mutating func append(_ bytes: some Sequence<UInt8>) -> [String] {
        var lines: [String] = []
        for byte in bytes {
            if byte == 0x0A {
                lines.append(Self.decode(self.partial))
                self.partial.removeAll(keepingCapacity: true)
            } else {
                self.partial.append(byte)
            }
        }
        return lines
    }

    /// At end of input: the last line when it had no terminator, else nil.
    mutating func finish() -> String? {
        defer { self.partial.removeAll() }
        return self.partial.isEmpty ? nil : Self.decode(self.partial)
    }

    private static func decode(_ bytes: [UInt8]) -> String {
        var line = bytes[...]
        if line.last == 0x0D { line = line.dropLast() }
        return String(decoding: line, as: UTF8.self)
    }
}
