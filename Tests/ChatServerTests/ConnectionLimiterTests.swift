import Testing

@testable import ChatServer

@Suite struct ConnectionLimiterTests {
    @Test(arguments: [
        ("192.0.2.7", "192.0.2.7"),
        ("::ffff:192.0.2.7", "192.0.2.7"),
        ("2001:db8:1:2:3:4:5:6", "2001:db8:1:2::/64"),
        ("2001:db8:1:2::9", "2001:db8:1:2::/64"),
        ("2001:0DB8:0001:0002:ffff:ffff:ffff:ffff", "2001:db8:1:2::/64"),
        ("2001:db8:1:3::9", "2001:db8:1:3::/64"),
        ("::1", "0:0:0:0::/64"),
        ("unknown", "unknown"),
    ])
    func addressesAreCountedByIPv4AddressOrIPv6Prefix(address: String, key: String) {
        #expect(ConnectionLimiter.key(for: address) == key)
    }

    @Test func addressesInOneIPv6PrefixShareTheLimit() {
        var limiter = ConnectionLimiter(maxTotal: 100, maxPerAddress: 2, exemptLoopback: false)
        #expect(limiter.open(from: "2001:db8::1") == .accept)
        #expect(limiter.open(from: "2001:db8::2") == .accept)
        #expect(limiter.open(from: "2001:db8::3") == .tooManyFromAddress)
        #expect(limiter.open(from: "2001:db8:0:1::1") == .accept)
        limiter.close(from: "2001:db8::1")
        #expect(limiter.open(from: "2001:db8::3") == .accept)
        #expect(limiter.total == 3)
    }

    @Test func ipv4MappedAddressCountsAsItsIPv4Address() {
        var limiter = ConnectionLimiter(maxTotal: 100, maxPerAddress: 1, exemptLoopback: false)
        #expect(limiter.open(from: "192.0.2.7") == .accept)
        #expect(limiter.open(from: "::ffff:192.0.2.7") == .tooManyFromAddress)
        #expect(limiter.open(from: "192.0.2.8") == .accept)
    }
}
