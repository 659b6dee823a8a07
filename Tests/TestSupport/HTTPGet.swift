import Foundation
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import TLS

/// One HTTP response as the tests read it.
public struct HTTPResponse: Sendable {
    public let status: Int
    public let headers: [String: String]
    public let body: String
}

/// Sends `METHOD path HTTP/1.1` with `Connection: close` to 127.0.0.1:`port` (over TLS
/// with `tls`) and reads the whole response, within `timeout`.
///
/// - Throws: ``TestTimeout`` when the connection closed (or timed out) without a response.
public func httpRequest(
    port: Int, path: String, method: String = "GET", tls: TLSContext? = nil, timeout: TimeAmount = .seconds(10)
) async throws -> HTTPResponse {
    let collected = NIOLockedValueBox<[UInt8]>([])
    let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
        .connectTimeout(timeout)
        .channelInitializer { channel in
            channel.eventLoop.makeCompletedFuture {
                if let tls { try channel.pipeline.syncOperations.addHandler(TLSHandler(context: tls)) }
                try channel.pipeline.syncOperations.addHandler(ResponseCollector(into: collected))
            }
        }
        .connect(host: "127.0.0.1", port: port)
        .get()
    let request = "\(method) \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
    try await channel.writeAndFlush(channel.allocator.buffer(string: request)).get()
    let deadline = channel.eventLoop.scheduleTask(in: timeout) { channel.close(promise: nil) }
    try? await channel.closeFuture.get()
    deadline.cancel()
    let text = String(decoding: collected.withLockedValue { $0 }, as: UTF8.self)
    guard let split = text.range(of: "\r\n\r\n") else {
        throw TestTimeout(what: "an HTTP response to \(method) \(path)", events: [text])
    }
    let lines = text[..<split.lowerBound].split(separator: "\r\n")
    let status = lines.first.flatMap { Int($0.split(separator: " ").dropFirst().first ?? "") } ?? 0
    var headers: [String: String] = [:]
    for line in lines.dropFirst() {
        guard let colon = line.firstIndex(of: ":") else { continue }
        headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingPrefix(" ").description
    }
    return HTTPResponse(status: status, headers: headers, body: String(text[split.upperBound...]))
}

private final class ResponseCollector: ChannelInboundHandler, Sendable {
    typealias InboundIn = ByteBuffer
    private let collected: NIOLockedValueBox<[UInt8]>

    init(into collected: NIOLockedValueBox<[UInt8]>) {
        self.collected = collected
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let buffer = Self.unwrapInboundIn(data)
        self.collected.withLockedValue { $0 += buffer.readableBytesView }
    }
}
