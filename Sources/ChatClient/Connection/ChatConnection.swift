import Foundation
import IRC
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import TLS

/// One registered connection to a SecureChat server over mutual TLS.
///
/// ``connect(_:interactive:confirm:)`` returns only when the server is trusted and
/// registration finished; the server's key is judged (pins, known_servers, first contact)
/// before a single byte is sent. Incoming traffic arrives in ``events``, which ends with
/// ``ChatEvent/disconnected(_:)``.
public final class ChatConnection: Sendable {
    /// What happens on the connection, in order; finishes after `.disconnected`.
    public let events: AsyncStream<ChatEvent>
    /// The nick the server registered.
    public let nick: String
    /// The server's identity as the handshake showed it.
    public let server: PeerIdentity
    private let channel: any Channel
    private let handler: NIOLoopBound<IRCClientHandler>

    /// How long connecting, the handshake and registration may take together, and how long
    /// a message may wait for its echo.
    public static let defaultTimeout: Duration = .seconds(10)

    private init(events: AsyncStream<ChatEvent>, nick: String, server: PeerIdentity, channel: any Channel, handler: NIOLoopBound<IRCClientHandler>) {
        self.events = events
        self.nick = nick
        self.server = server
        self.channel = channel
        self.handler = handler
    }

    /// Connects, judges the server, registers and joins `rooms` (default: the configured ones).
    ///
    /// - Parameters:
    ///   - history: what a room's first join fetches from the server's history; rooms
    ///     and private conversations in `memory` are caught up from where it left off.
    ///   - memory: what an earlier connection of the same session saw
    ///     (``historyMemory``), so that nothing is missed or shown twice.
    ///   - interactive: whether a person can be asked to trust a new server; when false,
    ///     an unknown server is refused with the pin to configure.
    ///   - confirm: asked on first contact in an interactive run; true trusts the server
    ///     and records it in known_servers.
    /// - Throws: ``ChatClientError``: `.configuration`/`.ownCertificate` before connecting;
    ///   `.connectionFailed`, `.timeout`; the final causes `.pinMismatch`,
    ///   `.knownServerMismatch`, `.untrustedServer`, `.certificateRefused`,
    ///   `.certificateNotAllowed` (with the allowlist line), `.nickNotBound`.
    public static func connect(
        _ configuration: ClientConfiguration,
        rooms: [String]? = nil,
        interactive: Bool = false,
        timeout: Duration = defaultTimeout,
        history: HistoryPolicy = HistoryPolicy(),
        memory: HistoryMemory = HistoryMemory(),
        confirm: @escaping @Sendable (ServerTrust.FirstContact) async -> Bool = { _ in false }
    ) async throws(ChatClientError) -> ChatConnection {
        try configuration.validateForConnecting()
        let tlsContext = try makeTLSContext(configuration)
        let nick = try configuration.effectiveNick()
        let knownServers = configuration.pins.isEmpty ? try KnownServers(path: configuration.knownServersPath) : nil
        let (events, continuation) = AsyncStream<ChatEvent>.makeStream()
        let state = IRCSessionState(nick: nick, rooms: rooms ?? configuration.rooms, history: history, memory: memory)
        let address = configuration.serverAddress
        let amount = TimeAmount(timeout)

        // Kept from the initializer: a fast failure can empty the pipeline before we look.
        let installed = NIOLockedValueBox<NIOLoopBound<IRCClientHandler>?>(nil)
        let channel: any Channel
        do {
            channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .connectTimeout(amount)
                .channelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        let handler = IRCClientHandler(state: state, events: continuation, eventLoop: channel.eventLoop)
                        installed.withLockedValue { $0 = NIOLoopBound(handler, eventLoop: channel.eventLoop) }
                        let serverName = configuration.host.contains(where: { $0.isLetter }) ? configuration.host : nil
                        try channel.pipeline.syncOperations.addHandlers([
                            try TLSHandler(context: tlsContext, serverName: serverName),
                            ByteToMessageHandler(IRCLineDecoder()),
                            handler,
                        ])
                    }
                }
                .connect(host: configuration.host, port: configuration.port)
                .get()
        } catch {
            continuation.finish()
            throw ChatClientError(
                .connectionFailed,
                "cannot reach \(address): \(ConnectFailure.words(for: error)); check the address and that the server is running")
        }

        do {
            guard let handler = installed.withLockedValue({ $0 }) else {
                throw ChatClientError(.connectionFailed, "the connection to \(address) was not set up")
            }
            let identity = try await Self.deadline(
                channel.eventLoop.flatSubmit { handler.value.handshake.futureResult }, amount,
                ChatClientError(.timeout, "the TLS handshake with \(address) did not finish in \(timeout); check the port"))

            let decision = ServerTrust.decide(
                address: address, pins: configuration.pins, known: knownServers?.entry(for: address),
                knownServers: knownServers, presented: identity.certificate, interactive: interactive, hints: configuration)
            switch decision {
            case .accept:
                break
            case .refuse(let error):
                throw error
            case .ask(let contact):
                guard await confirm(contact) else {
                    throw ChatClientError(
                        .untrustedServer, "the server at \(address) was not trusted; nothing was sent to it")
                }
                var known = try knownServers ?? KnownServers(path: configuration.knownServersPath)
                try known.add(address, key: contact.publicKey)
            }

            let registered = try await Self.deadline(
                channel.eventLoop.flatSubmit {
                    handler.value.start()
                    return handler.value.registration.futureResult
                }, amount,
                ChatClientError(.timeout, "the server at \(address) did not complete registration in \(timeout)"))
            return ChatConnection(events: events, nick: registered, server: identity, channel: channel, handler: handler)
        } catch {
            channel.close(promise: nil)
            throw Self.withAdvice(IRCClientHandler.cause(of: error), address: address, configuration: configuration)
        }
    }

    /// A pin mismatch found by the TLS handshake, with the file and the command that fix it.
    private static func withAdvice(_ error: ChatClientError, address: String, configuration: ClientConfiguration) -> ChatClientError {
        guard error.code == .pinMismatch, !error.reason.contains("change only the pin") else { return error }
        // The handshake's reason names the presented key after "presented "; without it the
        // command shows where the new key goes.
        let presented = error.reason.components(separatedBy: "presented ").dropFirst().first?
            .split(separator: " ").first.map(String.init).flatMap { try? Fingerprint(parsing: $0) }
        let key = presented?.description ?? "sha256//NEW-KEY"
        return ChatClientError(.pinMismatch, error.reason + "; " + ServerTrust.pinAdvice(address: address, presented: key, hints: configuration))
    }

    /// Sends `text` to a room or nick and returns once the server echoed back every part
    /// of it, which proves it accepted the message. Text longer than one IRC line, or of
    /// several lines, goes as one `draft/multiline` batch where the server offers it, else
    /// as several messages cut at word boundaries (see ``OutgoingPlanner``).
    ///
    /// - Returns: how the text went on the wire.
    /// - Throws: ``ChatClientError`` `.noSuchTarget` (401/403), `.refused` (404/442),
    ///   `.timeout`, or the cause that ended the connection.
    @discardableResult
    public func deliver(_ text: String, to target: String, timeout: Duration = defaultTimeout) async throws(ChatClientError) -> SendReport {
        let amount = TimeAmount(timeout)
        let handler = self.handler
        let loop = self.channel.eventLoop
        let units = await self.plan(text, to: target, action: false)
        for unit in units {
            do {
                try await Self.deadline(
                    loop.flatSubmit {
                        let promise = loop.makePromise(of: Void.self)
                        handler.value.deliver(unit, to: target, accepted: promise)
                        return promise.futureResult
                    }, amount,
                    ChatClientError(.timeout, "the server did not confirm the message to \(target) within \(timeout)"))
            } catch {
                throw IRCClientHandler.cause(of: error)
            }
        }
        return SendReport(units, text: text)
    }

    /// The units for `text` as this connection would send it.
    private func plan(_ text: String, to target: String, action: Bool) async -> [OutgoingPlanner.Unit] {
        let handler = self.handler
        return (try? await self.channel.eventLoop.submit { handler.value.plan(text, to: target, action: action) }.get()) ?? []
    }

    /// Sends one IRC message without waiting for an answer.
    public func send(_ message: IRCMessage) async throws(ChatClientError) {
        let handler = self.handler
        let loop = self.channel.eventLoop
        do {
            try await loop.flatSubmit {
                let promise = loop.makePromise(of: Void.self)
                handler.value.send(message, promise: promise)
                return promise.futureResult
            }.get()
        } catch {
            throw IRCClientHandler.cause(of: error)
        }
    }

    /// Sends a message (or a `/me` action) without waiting for its echo: cut or batched
    /// as ``deliver(_:to:timeout:)`` does.
    ///
    /// - Returns: how the text went on the wire, to tell the user when it was split.
    @discardableResult
    public func say(_ text: String, to target: String, action: Bool = false) async throws(ChatClientError) -> SendReport {
        let units = await self.plan(text, to: target, action: action)
        for unit in units {
            for line in unit.lines { try await self.send(line) }
        }
        return SendReport(units, text: text)
    }

    public func join(_ room: String) async throws(ChatClientError) {
        try await self.send(IRCMessage(command: "JOIN", params: [room]))
    }

    public func part(_ room: String, reason: String? = nil) async throws(ChatClientError) {
        try await self.send(IRCMessage(command: "PART", params: [room] + (reason.map { [$0] } ?? [])))
    }

    public func who(_ mask: String) async throws(ChatClientError) {
        try await self.send(IRCMessage(command: "WHO", params: [mask]))
    }

    /// Asks for the topic (`text` nil) or sets it.
    public func topic(_ room: String, _ text: String?) async throws(ChatClientError) {
        try await self.send(IRCMessage(command: "TOPIC", params: [room] + (text.map { [$0] } ?? [])))
    }

    /// Reports `target` to the server's operators: `REPORT <target> [<msgid>] :<reason>`.
    /// The server answers with a NOTICE naming the report, or a FAIL saying why not.
    public func report(_ target: String, msgid: String?, reason: String) async throws(ChatClientError) {
        try await self.send(IRCMessage(command: "REPORT", params: [target] + (msgid.map { [$0] } ?? []) + [reason]))
    }

    public func changeNick(_ nick: String) async throws(ChatClientError) {
        try await self.send(IRCMessage(command: "NICK", params: [nick]))
    }

    /// The rooms this connection is in now.
    public var rooms: [String] {
        get async {
            let handler = self.handler
            return (try? await self.channel.eventLoop.submit { handler.value.rooms }.get()) ?? []
        }
    }

    /// What this connection has seen of each conversation; read it after ``events`` ended
    /// to hand it to the next connection.
    public var historyMemory: HistoryMemory {
        get async {
            let handler = self.handler
            return (try? await self.channel.eventLoop.submit { handler.value.history }.get()) ?? HistoryMemory()
        }
    }

    /// Sends QUIT and closes; ``events`` then ends with `.disconnected(nil)`.
    public func quit(_ message: String? = nil) async {
        let handler = self.handler
        try? await self.channel.eventLoop.submit { handler.value.close(quitMessage: message) }.get()
        try? await self.channel.closeFuture.get()
    }

    // MARK: building blocks

    private static func makeTLSContext(_ configuration: ClientConfiguration) throws(ChatClientError) -> TLSContext {
        var tls = TLSClientConfiguration(
            certificatePath: configuration.certificatePath, privateKeyPath: configuration.privateKeyPath,
            pins: configuration.pins)
        tls.acceptsAnyServerForFirstContact = configuration.pins.isEmpty
        do {
            return try TLSContext(client: tls)
        } catch {
            throw ChatClientError(.ownCertificate, error.description)
        }
    }

    /// Waits for `future`, failing with `error` after `amount`.
    @discardableResult
    private static func deadline<Value: Sendable>(
        _ future: EventLoopFuture<Value>, _ amount: TimeAmount, _ error: ChatClientError
    ) async throws -> Value {
        let loop = future.eventLoop
        let promise = loop.makePromise(of: Value.self)
        loop.execute {
            let done = NIOLoopBoundBox(false, eventLoop: loop)
            let timer = loop.scheduleTask(in: amount) {
                guard !done.value else { return }
                done.value = true
                promise.fail(error)
            }
            future.whenComplete { result in
                timer.cancel()
                guard !done.value else { return }
                done.value = true
                promise.completeWith(result)
            }
        }
        return try await promise.futureResult.get()
    }
}
