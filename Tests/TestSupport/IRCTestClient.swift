import Foundation
import NIOConcurrencyHelpers
import NIOCore
import TLS

/// A line-oriented client over TLS for end-to-end tests: send raw IRC lines, wait for lines.
///
/// Waits consume lines in order: ``waitForLine(timeout:where:)`` returns the first line after
/// the previously matched one that satisfies the predicate.
public final class IRCTestClient: Sendable {
    public let connection: TLSTestClient
    private let cursor = NIOLockedValueBox(0)

    /// - Parameter leavesClosingToPeer: answer the server's close_notify but leave closing
    ///   TCP to it (see ``TLSTestClient``).
    public init(port: Int, context: TLSContext, leavesClosingToPeer: Bool = false) async throws {
        self.connection = try await TLSTestClient(port: port, context: context, leavesClosingToPeer: leavesClosingToPeer)
    }

    public var log: EventLog { self.connection.log }

    /// Every complete line received so far, without line endings.
    public var lines: [String] {
        let text = String(decoding: self.log.receivedBytes, as: UTF8.self)
        var lines = text.components(separatedBy: "\r\n")
        lines.removeLast()  // the unfinished remainder
        return lines
    }

    /// Sends one line (CRLF appended).
    public func send(_ line: String) async throws {
        try await self.connection.channel.writeAndFlush(ByteBuffer(string: line + "\r\n"))
    }

    /// Sends raw bytes as they are.
    public func sendRaw(_ bytes: [UInt8]) async throws {
        try await self.connection.channel.writeAndFlush(ByteBuffer(bytes: bytes))
    }

    /// Waits for the next line (after the last matched one) satisfying `predicate`.
    @discardableResult
    public func waitForLine(
        timeout: Duration = .seconds(10),
        where predicate: @escaping @Sendable (String) -> Bool
    ) async throws -> String {
        let start = self.cursor.withLockedValue { $0 }
        let deadline = ContinuousClock.now + timeout
        while true {
            let lines = self.lines
            if start < lines.count, let index = lines[start...].firstIndex(where: predicate) {
                self.cursor.withLockedValue { $0 = index + 1 }
                return lines[index]
            }
            if self.log.isInactive || ContinuousClock.now >= deadline {
                throw TestTimeout(what: "a matching line", events: Array(lines.suffix(20)))
            }
            try await Task.sleep(for: .milliseconds(5))
        }
    }

    /// Waits for the next line from `nick` (its source is `nick!…`) that ends with `text`.
    @discardableResult
    public func waitForLine(from nick: String, endingWith text: String, timeout: Duration = .seconds(10)) async throws -> String {
        try await self.waitForLine(timeout: timeout) { $0.hasPrefix(":\(nick)!") && $0.hasSuffix(text) }
    }

    /// Waits for a line with this command (or numeric) in command position.
    @discardableResult
    public func waitFor(_ command: String, timeout: Duration = .seconds(10)) async throws -> String {
        try await self.waitForLine(timeout: timeout) { Self.command(of: $0) == command }
    }

    /// Sends `PING :token` and waits for the server's PONG: proof that the server still reads
    /// and answers this connection, after everything sent before the PING.
    @discardableResult
    public func roundTrip(_ token: String = "round-trip", timeout: Duration = .seconds(10)) async throws -> String {
        try await self.send("PING :\(token)")
        return try await self.waitForLine(timeout: timeout) { Self.command(of: $0) == "PONG" && $0.hasSuffix(token) }
    }

    /// True when some line after the last matched one satisfies `predicate`.
    public func hasLine(where predicate: (String) -> Bool) -> Bool {
        let start = self.cursor.withLockedValue { $0 }
        let lines = self.lines
        return start < lines.count && lines[start...].contains(where: predicate)
    }

    /// Sends NICK and USER for `nick` (with `realName`, "<nick> test" by default); the server
    /// answers 001 once nothing else holds the registration back (CAP, SASL).
    public func sendRegistration(nick: String, realName: String? = nil) async throws {
        try await self.send("NICK \(nick)")
        try await self.send("USER \(nick) 0 * :\(realName ?? "\(nick) test")")
    }

    /// Registers with NICK/USER and waits for 001.
    public func register(nick: String) async throws {
        try await self.sendRegistration(nick: nick)
        try await self.waitFor("001")
    }

    /// Waits until the server closed the connection.
    public func waitForClose(timeout: Duration = .seconds(10)) async throws {
        try await self.log.waitForInactive(timeout: timeout)
    }

    public func close() async {
        try? await self.connection.channel.close()
    }

    /// The command word of a raw line (skipping tags and source).
    public static func command(of line: String) -> String {
        var words = line.split(separator: " ", omittingEmptySubsequences: true)[...]
        if words.first?.hasPrefix("@") == true { words = words.dropFirst() }
        if words.first?.hasPrefix(":") == true { words = words.dropFirst() }
        return words.first.map(String.init) ?? ""
    }
}
