import NIOCore
import Testing

@testable import ChatServer

@Suite struct ConnectionLimiterTests {
    let start = NIODeadline.uptimeNanoseconds(1_000_000_000)

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

    /// Opens a connection whose handshake completes at once; its ID, or the refusal.
    private func login(
        _ limiter: inout ConnectionLimiter, from address: String
    ) -> Result<ConnectionLimiter.ConnectionID, Refused> {
        let decision = limiter.open(from: address, now: self.start)
        guard case .accept(let id) = decision.verdict else { return .failure(Refused(verdict: decision.verdict)) }
        limiter.handshakeCompleted(id)
        return .success(id)
    }

    private struct Refused: Error, Equatable {
        let verdict: ConnectionLimiter.Verdict
    }

    /// The ID of an accepted connection, or nil.
    private func accepted(_ decision: ConnectionLimiter.Decision) -> ConnectionLimiter.ConnectionID? {
        if case .accept(let id) = decision.verdict { id } else { nil }
    }

    @Test func addressesInOneIPv6PrefixShareTheLimit() throws {
        var limiter = ConnectionLimiter(maxTotal: 100, maxPerAddress: 2, exemptLoopback: false)
        let first = try self.login(&limiter, from: "2001:db8::1").get()
        _ = try self.login(&limiter, from: "2001:db8::2").get()
        #expect(self.login(&limiter, from: "2001:db8::3") == .failure(Refused(verdict: .tooManyFromAddress)))
        _ = try self.login(&limiter, from: "2001:db8:0:1::1").get()
        limiter.close(first)
        _ = try self.login(&limiter, from: "2001:db8::3").get()
        #expect(limiter.total == 3)
    }

    @Test func ipv4MappedAddressCountsAsItsIPv4Address() throws {
        var limiter = ConnectionLimiter(maxTotal: 100, maxPerAddress: 1, exemptLoopback: false)
        _ = try self.login(&limiter, from: "192.0.2.7").get()
        #expect(self.login(&limiter, from: "::ffff:192.0.2.7") == .failure(Refused(verdict: .tooManyFromAddress)))
        _ = try self.login(&limiter, from: "192.0.2.8").get()
    }

    @Test func pendingHandshakesOverTheBudgetCloseTheOldest() throws {
        var limiter = ConnectionLimiter(maxTotal: 100, maxPerAddress: 100, exemptLoopback: true, maxHandshakes: 3)
        let ids = (0..<3).compactMap { self.accepted(limiter.open(from: "127.0.0.\($0 + 2)", now: self.start)) }
        #expect(ids.count == 3)
        let fourth = limiter.open(from: "127.0.0.9", now: self.start)
        #expect(fourth.evicting == [ids[0]])
        #expect(!limiter.isOpen(ids[0]))
        #expect(limiter.total == 3 && limiter.pendingCount == 3)
        // A completed handshake leaves the budget; an evicted one's close changes nothing.
        limiter.handshakeCompleted(ids[1])
        limiter.close(ids[0])
        #expect(limiter.open(from: "127.0.0.9", now: self.start).evicting == [])
        #expect(limiter.total == 4 && limiter.pendingCount == 3)
    }

    @Test func pendingHandshakesPerAddressCloseThatAddresssOldest() throws {
        var limiter = ConnectionLimiter(
            maxTotal: 100, maxPerAddress: 100, exemptLoopback: false, maxHandshakes: 100, maxHandshakesPerAddress: 2)
        let first = try #require(self.accepted(limiter.open(from: "2001:db8::1", now: self.start)))
        let other = try #require(self.accepted(limiter.open(from: "192.0.2.1", now: self.start)))
        _ = limiter.open(from: "2001:db8::2", now: self.start)
        #expect(limiter.open(from: "2001:db8::3", now: self.start).evicting == [first])
        #expect(limiter.isOpen(other))
    }

    @Test func underLoadOldHandshakesAreClosedSooner() throws {
        var limiter = ConnectionLimiter(
            maxTotal: 100, maxPerAddress: 100, exemptLoopback: true, maxHandshakes: 8,
            busyHandshakeTimeout: .seconds(2))
        let old = (0..<6).compactMap { _ in self.accepted(limiter.open(from: "127.0.0.1", now: self.start)) }
        // Six of eight in use: not yet three quarters over, nothing is closed early.
        #expect(limiter.open(from: "127.0.0.1", now: self.start + .seconds(3)).evicting == [])
        // Seven: handshakes older than 2 s go, oldest first, until three quarters are left.
        let busy = limiter.open(from: "127.0.0.1", now: self.start + .seconds(3))
        #expect(busy.evicting == [old[0]])
        #expect(self.accepted(busy) != nil)
    }

    @Test func fullServerMakesRoomByClosingAPendingHandshake() throws {
        var limiter = ConnectionLimiter(maxTotal: 3, maxPerAddress: 100, exemptLoopback: true)
        _ = try self.login(&limiter, from: "127.0.0.1").get()
        _ = try self.login(&limiter, from: "127.0.0.1").get()
        let pending = try #require(self.accepted(limiter.open(from: "127.0.0.1", now: self.start)))
        let next = limiter.open(from: "127.0.0.1", now: self.start)
        #expect(next.evicting == [pending] && self.accepted(next) != nil)
        limiter.handshakeCompleted(try #require(self.accepted(next)))
        #expect(limiter.open(from: "127.0.0.1", now: self.start).verdict == .tooManyInTotal)
    }
}
