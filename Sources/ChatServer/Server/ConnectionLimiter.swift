#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Counts open connections in total and per remote address, and refuses those over the
/// configured limits. Shared by the I/O loops behind a lock (a few operations per connection).
///
/// An IPv6 address counts by its /64 prefix: one subscriber or host usually holds a whole
/// /64, so counting single addresses would put no limit on it.
struct ConnectionLimiter {
    let maxTotal: Int
    let maxPerAddress: Int
    let exemptLoopback: Bool
    private(set) var total = 0
    private var perAddress: [String: Int] = [:]

    enum Verdict: Equatable {
        case accept
        case tooManyInTotal
        case tooManyFromAddress
    }

    init(maxTotal: Int, maxPerAddress: Int, exemptLoopback: Bool) {
        self.maxTotal = maxTotal
        self.maxPerAddress = maxPerAddress
        self.exemptLoopback = exemptLoopback
    }

    /// Admits a connection from `address` (an IP address) and counts it, or says why not.
    mutating func open(from address: String) -> Verdict {
        guard self.total < self.maxTotal else { return .tooManyInTotal }
        let key = Self.key(for: address)
        let count = self.perAddress[key, default: 0]
        if count >= self.maxPerAddress, !(self.exemptLoopback && Self.isLoopback(address)) {
            return .tooManyFromAddress
        }
        self.total += 1
        self.perAddress[key] = count + 1
        return .accept
    }

    /// Forgets a connection admitted by ``open(from:)``.
    mutating func close(from address: String) {
        self.total -= 1
        let key = Self.key(for: address)
        let count = self.perAddress[key, default: 1] - 1
        self.perAddress[key] = count > 0 ? count : nil
    }

    /// What an address is counted under: an IPv4 address itself (also when written as an
    /// IPv4-mapped IPv6 address), an IPv6 address its /64 prefix (`2001:db8:0:1::/64`).
    /// Text that is not an IP address is its own key.
    static func key(for address: String) -> String {
        var bytes = [UInt8](repeating: 0, count: 16)
        guard inet_pton(AF_INET6, address, &bytes) == 1 else { return address }
        if bytes[0..<10].allSatisfy({ $0 == 0 }), bytes[10] == 0xff, bytes[11] == 0xff {
            return bytes[12...].map { String($0) }.joined(separator: ".")
        }
        let groups = stride(from: 0, to: 8, by: 2).map { String(UInt16(bytes[$0]) << 8 | UInt16(bytes[$0 + 1]), radix: 16) }
        return groups.joined(separator: ":") + "::/64"
    }

    static func isLoopback(_ address: String) -> Bool {
        address.hasPrefix("127.") || address == "::1" || address.hasPrefix("::ffff:127.")
    }
}
