import IRC
import NIOCore
import NIOPosix
import TLS

/// One connected generator client: its channel and its loop-bound ``BenchConnection``.
struct BenchClient: Sendable {
    let channel: any Channel
    let connection: NIOLoopBound<BenchConnection>
    let nick: String?

    /// Connects and completes the TLS handshake; with a nick, also waits for 001.
    ///
    /// Throws the TLS, network or IRC error that stopped it, or when connecting, the
    /// handshake or registration each take longer than `options.timeout`.
    static func connect(
        group: any EventLoopGroup, options: BenchOptions, context: TLSContext, nick: String?
    ) async throws -> BenchClient {
        let eventLoop = group.next()
        let ready = eventLoop.makePromise(of: NIOLoopBound<BenchConnection>.self)
        let serverName = options.tlsVerify == .ca ? options.host : nil
        let options = options
        let channel: any Channel
        do {
            channel = try await ClientBootstrap(group: eventLoop)
                .channelOption(.socketOption(.tcp_nodelay), value: 1)
                .connectTimeout(.seconds(Int64(max(1, options.timeout))))
                .channelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        let connection = BenchConnection(
                            eventLoop: channel.eventLoop, nick: nick, capabilities: options.capabilities,
                            afterRegister: options.afterRegister)
                        try channel.pipeline.syncOperations.addHandlers(
                            TLSHandler(context: context, serverName: serverName),
                            ByteToMessageHandler(IRCLineDecoder()),
                            connection
                        )
                        ready.succeed(NIOLoopBound(connection, eventLoop: channel.eventLoop))
                    }
                }
                .connect(host: options.host, port: options.port)
                .get()
        } catch {
            ready.fail(error)
            throw error
        }
        let connection = try await ready.futureResult.get()
        let client = BenchClient(channel: channel, connection: connection, nick: nick)
        do {
            let timeout = options.timeout
            try await client.run { connection, context in
                let registered = connection.registered ?? channel.eventLoop.makeSucceededVoidFuture()
                let done = connection.handshake.futureResult.flatMap { registered }
                // The TLS layer bounds the handshake; nothing else bounds the wait for 001.
                let limit = context.eventLoop.assumeIsolated().scheduleTask(in: .nanoseconds(Int64(max(1, timeout) * 1e9))) {
                    connection.giveUp(BenchError("no 001 within --timeout \(timeout) s of connecting"))
                }
                done.whenComplete { _ in limit.cancel() }
                return done
            }
            .get()
        } catch {
            channel.close(promise: nil)
            throw error
        }
        return client
    }

    /// Runs `body` on the connection's event loop with the handler and its context.
    func run<T: Sendable>(
        _ body: @escaping @Sendable (BenchConnection, ChannelHandlerContext) -> EventLoopFuture<T>
    ) -> EventLoopFuture<T> {
        let connection = self.connection
        let channel = self.channel
        return channel.eventLoop.flatSubmit {
            do {
                let context = try channel.pipeline.syncOperations.context(handler: connection.value)
                return body(connection.value, context)
            } catch {
                return channel.eventLoop.makeFailedFuture(error)
            }
        }
    }

    func join(_ channelName: String) async throws {
        try await self.run { connection, context in connection.join(channelName, context: context) }.get()
    }

    func ping() -> EventLoopFuture<Void> {
        self.run { connection, context in connection.ping(context: context) }
    }

    /// Sends `line` (a CHATHISTORY request); completes with the messages of the batch
    /// that answers it, once the batch ends.
    func query(_ line: String) -> EventLoopFuture<Int> {
        self.run { connection, context in connection.query(line, context: context) }
    }

    /// Closes without waiting; the TLS handler sends close_notify first.
    func close() {
        self.channel.close(promise: nil)
    }
}

/// Runs `body(index)` for 0..<count with at most `concurrency` at a time; returns the
/// successful results in index order and the number and first text of failures.
func concurrently<T: Sendable>(
    count: Int, concurrency: Int, _ body: @escaping @Sendable (Int) async throws -> T
) async -> (results: [T?], failures: Int, firstError: String?) {
    var results = [T?](repeating: nil, count: count)
    var failures = 0
    var firstError: String?
    await withTaskGroup(of: (Int, Result<T, any Error>).self) { group in
        var next = 0
        func start() {
            let index = next
            next += 1
            group.addTask {
                do { return (index, .success(try await body(index))) } catch { return (index, .failure(error)) }
            }
        }
        while next < min(count, concurrency) { start() }
        while let (index, result) = await group.next() {
            switch result {
            case .success(let value): results[index] = value
            case .failure(let error):
                failures += 1
                if firstError == nil { firstError = "\(error)" }
            }
            if next < count { start() }
        }
    }
    return (results, failures, firstError)
}
