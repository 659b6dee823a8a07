import Foundation
import IRC
import NIOCore
import TLS

/// The generator's end of one IRC connection: registers, joins, answers PING, and hands
/// benchmark PRIVMSGs to a ``DeliveryTracker`` without parsing them into `IRCMessage`s.
///
/// Loop-confined. Each step (handshake, registration, join, PONG) completes a promise;
/// an error, an `ERROR` line or the connection closing fails whichever are pending.
final class BenchConnection: ChannelInboundHandler {
    typealias InboundIn = IRCLineEvent

    let handshake: EventLoopPromise<Void>
    private var registration: EventLoopPromise<Void>?
    private var joining: (channel: String, promise: EventLoopPromise<Void>)?
    private var pong: EventLoopPromise<Void>?
    /// A CHATHISTORY request waiting for its batch to end, and the messages counted so far.
    private var answer: (promise: EventLoopPromise<Int>, messages: Int)?
    private let nick: String?
    /// Requested with `CAP REQ` before NICK and USER; registration ends with `CAP END`.
    private let capabilities: [String]
    /// Sent on 001, before registration is reported complete.
    private let afterRegister: [String]

    /// Where benchmark messages go; set before any arrive.
    var receiver: DeliveryReceiver?

    /// - Parameter nick: registers with NICK/USER as soon as the handshake completes.
    init(eventLoop: any EventLoop, nick: String?, capabilities: [String] = [], afterRegister: [String] = []) {
        self.afterRegister = afterRegister
        self.capabilities = capabilities
        self.handshake = eventLoop.makePromise()
        self.registration = nick == nil ? nil : eventLoop.makePromise()
        self.nick = nick
    }

    /// Completes on 001.
    var registered: EventLoopFuture<Void>? { self.registration?.futureResult }

    /// Sends `JOIN channel`; completes on the end of its NAMES list (366).
    func join(_ channel: String, context: ChannelHandlerContext) -> EventLoopFuture<Void> {
        let promise = context.eventLoop.makePromise(of: Void.self)
        self.joining = (channel, promise)
        self.send("JOIN \(channel)\r\n", context: context)
        return promise.futureResult
    }

    /// Sends `PING :token`; completes on the first line that answers it (PONG, or a 451
    /// from a server that wants registration first).
    func ping(context: ChannelHandlerContext) -> EventLoopFuture<Void> {
        let promise = context.eventLoop.makePromise(of: Void.self)
        self.pong = promise
        self.send("PING :bench\r\n", context: context)
        return promise.futureResult
    }

    /// Sends `line` (CRLF added); completes with the number of PRIVMSGs in the batch that
    /// answers it, when that batch ends. One at a time.
    func query(_ line: String, context: ChannelHandlerContext) -> EventLoopFuture<Int> {
        let promise = context.eventLoop.makePromise(of: Int.self)
        self.answer = (promise, 0)
        self.send(line + "\r\n", context: context)
        return promise.futureResult
    }

    private func send(_ text: String, context: ChannelHandlerContext) {
        context.writeAndFlush(NIOAny(context.channel.allocator.buffer(string: text)), promise: nil)
    }

    // MARK: inbound

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if case .handshakeCompleted? = event as? TLSEvent {
            if let nick = self.nick {
                // Asked and ended in one write: the server registers once CAP END arrives,
                // after it has acknowledged the request.
                let caps = self.capabilities.joined(separator: " ")
                let (request, end) = caps.isEmpty ? ("", "") : ("CAP REQ :\(caps)\r\n", "CAP END\r\n")
                self.send("\(request)NICK \(nick)\r\nUSER \(nick) 0 * :\(nick)\r\n\(end)", context: context)
            }
            self.handshake.succeed()
        }
        context.fireUserInboundEventTriggered(event)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard case .line(let line) = Self.unwrapInboundIn(data) else { return }
        if let receiver = self.receiver, receiver.consume(line) { return }
        self.handleControl(line, context: context)
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        self.receiver?.flush()
        context.fireChannelReadComplete()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        self.failPending(error)
        context.close(promise: nil)
    }

    func channelInactive(context: ChannelHandlerContext) {
        self.failPending(BenchError("the server closed the connection"))
        context.fireChannelInactive()
    }

    /// Fails whatever is pending (handshake, registration, join, PONG) with `error`; for a
    /// caller that stops waiting.
    func giveUp(_ error: any Error) {
        self.failPending(error)
    }

    private func failPending(_ error: any Error) {
        self.handshake.fail(error)
        self.registration?.fail(error)
        self.registration = nil
        self.joining?.promise.fail(error)
        self.joining = nil
        self.pong?.fail(error)
        self.pong = nil
        self.answer?.promise.fail(error)
        self.answer = nil
    }

    /// Everything that is not a benchmark message: registration and join replies, PING.
    private func handleControl(_ line: ByteBuffer, context: ChannelHandlerContext) {
        guard let message = try? IRCMessage(parsing: line) else { return }
        switch message.command {
        case "PING":
            self.send("PONG :\(message.params.last ?? "")\r\n", context: context)
        case "PRIVMSG":
            self.answer?.messages += 1
        case "BATCH":
            // `BATCH -ref` ends the batch that answers the pending request.
            if let answer = self.answer, message.params.first?.hasPrefix("-") == true {
                answer.promise.succeed(answer.messages)
                self.answer = nil
            }
        case "FAIL":
            if let answer = self.answer {
                answer.promise.fail(BenchError("the server refused: \(message.serialized)"))
                self.answer = nil
            }
        case "PONG", "451":
            self.pong?.succeed()
            self.pong = nil
        case "001":
            if let nick = self.nick, !self.afterRegister.isEmpty {
                let lines = self.afterRegister.map { $0.replacingOccurrences(of: "{nick}", with: nick) + "\r\n" }
                self.send(lines.joined(), context: context)
            }
            self.registration?.succeed()
            self.registration = nil
        case "366":
            if let joining = self.joining, message.params.count > 1,
                message.params[1].lowercased() == joining.channel.lowercased()
            {
                joining.promise.succeed()
                self.joining = nil
            }
        case "ERROR", "432", "433", "436", "465", "471", "473", "474", "475":
            let error = BenchError("the server refused: \(message.serialized)")
            if self.registration != nil || self.joining != nil {
                self.failPending(error)
            }
        default:
            break
        }
    }
}
