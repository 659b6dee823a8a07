import NIOCore

/// Counts open connections in total and per remote address, and refuses those over the
/// configured limits. Used only on the hub's event loop.
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
        let count = self.perAddress[address, default: 0]
        if count >= self.maxPerAddress, !(self.exemptLoopback && Self.isLoopback(address)) {
            return .tooManyFromAddress
        }
        self.total += 1
        self.perAddress[address] = count + 1
        return .accept
    }

    /// Forgets a connection admitted by ``open(from:)``.
    mutating func close(from address: String) {
        self.total -= 1
        let count = self.perAddress[address, default: 1] - 1
        self.perAddress[address] = count > 0 ? count : nil
    }

    static func isLoopback(_ address: String) -> Bool {
        address.hasPrefix("127.") || address == "::1" || address.hasPrefix("::ffff:127.")
    }
}
