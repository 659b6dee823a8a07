import NIOConcurrencyHelpers
import NIOCore
import TLS

/// Something that happened on a test connection, as seen by the handler after TLS.
public enum ConnectionEvent: Sendable, CustomStringConvertible {
    case handshakeCompleted(PeerIdentity)
    case received([UInt8])
    case error(TLSError)
    case otherError(String)
    case inputClosed
    case inactive

    public var description: String {
        switch self {
        case .handshakeCompleted(let identity): "handshakeCompleted(\(identity.protocolVersion))"
        case .received(let bytes): "received(\(bytes.count) bytes)"
        case .error(let error): "error(\(error.code): \(error))"
        case .otherError(let text): "otherError(\(text))"
        case .inputClosed: "inputClosed"
        case .inactive: "inactive"
        }
    }
}

/// A thread-safe record of a connection's events, with bounded waits.
public final class EventLog: Sendable {
    private let events = NIOLockedValueBox<[ConnectionEvent]>([])

    public init() {}

    public func append(_ event: ConnectionEvent) {
        self.events.withLockedValue { $0.append(event) }
    }

    public var all: [ConnectionEvent] { self.events.withLockedValue { $0 } }

    /// Every byte received so far, in order.
    public var receivedBytes: [UInt8] {
        self.all.reduce(into: []) { bytes, event in
            if case .received(let chunk) = event { bytes += chunk }
        }
    }

    /// The first TLS error recorded, if any.
    public var firstTLSError: TLSError? {
        self.all.lazy.compactMap { if case .error(let error) = $0 { error } else { nil } }.first
    }

    public var peerIdentity: PeerIdentity? {
        self.all.lazy.compactMap { if case .handshakeCompleted(let identity) = $0 { identity } else { nil } }.first
    }

    public var isInactive: Bool { self.all.contains { if case .inactive = $0 { true } else { false } } }

    /// Waits until `condition` holds for the log, polling; throws after `timeout`.
    public func wait(
        for what: String,
        timeout: Duration = .seconds(10),
        until condition: @Sendable (EventLog) -> Bool
    ) async throws {
        let deadline = ContinuousClock.now + timeout
        while !condition(self) {
            guard ContinuousClock.now < deadline else {
                throw TestTimeout(what: what, events: self.all.map(\.description))
            }
            try await Task.sleep(for: .milliseconds(5))
        }
    }

    public func waitForHandshake(timeout: Duration = .seconds(10)) async throws -> PeerIdentity {
        try await self.wait(for: "handshake", timeout: timeout) { $0.peerIdentity != nil || $0.isInactive }
        guard let identity = self.peerIdentity else {
            throw TestTimeout(what: "handshake (connection closed)", events: self.all.map(\.description))
        }
        return identity
    }

    public func waitForError(timeout: Duration = .seconds(10)) async throws -> TLSError {
        try await self.wait(for: "a TLS error", timeout: timeout) { $0.firstTLSError != nil || $0.isInactive }
        guard let error = self.firstTLSError else {
            throw TestTimeout(what: "a TLS error (closed without one)", events: self.all.map(\.description))
        }
        return error
    }

    public func waitForBytes(_ count: Int, timeout: Duration = .seconds(10)) async throws -> [UInt8] {
        try await self.wait(for: "\(count) bytes", timeout: timeout) { $0.receivedBytes.count >= count || $0.isInactive }
        return self.receivedBytes
    }

    public func waitForInactive(timeout: Duration = .seconds(10)) async throws {
        try await self.wait(for: "channel inactive", timeout: timeout) { $0.isInactive }
    }
}

/// A bounded wait ran out; carries what did happen.
public struct TestTimeout: Error, CustomStringConvertible {
    public let what: String
    public let events: [String]

    public init(what: String, events: [String]) {
        self.what = what
        self.events = events
    }

    public var description: String { "timed out waiting for \(self.what); events: \(self.events)" }
}

/// Records everything that reaches it into an ``EventLog``; optionally echoes data back.
public final class EventRecorder: ChannelInboundHandler {
    public typealias InboundIn = ByteBuffer
    public typealias OutboundOut = ByteBuffer

    private let log: EventLog
    private let echo: Bool

    public init(log: EventLog, echo: Bool = false) {
        self.log = log
        self.echo = echo
    }

    public func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let buffer = Self.unwrapInboundIn(data)
        self.log.append(.received(Array(buffer.readableBytesView)))
        if self.echo {
            context.write(Self.wrapOutboundOut(buffer), promise: nil)
        }
    }

    public func channelReadComplete(context: ChannelHandlerContext) {
        if self.echo { context.flush() }
    }

    public func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if case .handshakeCompleted(let identity)? = event as? TLSEvent {
            self.log.append(.handshakeCompleted(identity))
        } else if let event = event as? ChannelEvent, event == .inputClosed {
            self.log.append(.inputClosed)
        }
    }

    public func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if let error = error as? TLSError {
            self.log.append(.error(error))
        } else {
            self.log.append(.otherError("\(error)"))
        }
    }

    public func channelInactive(context: ChannelHandlerContext) {
        self.log.append(.inactive)
    }
}
