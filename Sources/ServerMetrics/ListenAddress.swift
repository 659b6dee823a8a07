/// A `host:port` to listen on, as `[metrics] listen` and `[health] listen` give it:
/// `127.0.0.1:9697`, `[::1]:9697`, `localhost:9697`, `0.0.0.0:9697`.
public struct ListenAddress: Hashable, Sendable, CustomStringConvertible {
    public var host: String
    public var port: Int

    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    /// Parses `host:port` (an IPv6 host in brackets).
    ///
    /// - Returns: nil when `text` is not `host:port` with a port of 0–65535.
    public init?(parsing text: String) {
        let host: Substring
        let port: Substring
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]"), text[text.index(after: close)...].hasPrefix(":") else { return nil }
            host = text[text.index(after: text.startIndex)..<close]
            port = text[text.index(close, offsetBy: 2)...]
        } else {
            guard let colon = text.lastIndex(of: ":"), !text[..<colon].contains(":") else { return nil }
            host = text[..<colon]
            port = text[text.index(after: colon)...]
        }
        guard !host.isEmpty, !host.contains(where: { $0 == " " || $0 == "/" }), let number = Int(port),
            (0...65_535).contains(number), port.allSatisfy(\.isASCII)
        else { return nil }
        self.init(host: String(host), port: number)
    }

    /// True for addresses only this machine can reach: 127.0.0.0/8, `::1` and `localhost`.
    public var isLoopback: Bool {
        self.host == "localhost" || self.host == "::1" || self.host.hasPrefix("127.")
    }

    public var description: String {
        self.host.contains(":") ? "[\(self.host)]:\(self.port)" : "\(self.host):\(self.port)"
    }
}
