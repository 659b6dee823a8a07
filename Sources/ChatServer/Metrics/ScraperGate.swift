import Logging
import NIOCore
import TLS

/// Lets a `/metrics` connection on a non-loopback address through only once its mutual-TLS
/// handshake completed with a client certificate `[metrics] allow` names; closes it
/// otherwise. Sits between the TLS handler and HTTP.
final class ScraperGate: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    private let allow: [Fingerprint]
    private let logger: Logger
    private var isAllowed = false

    init(allow: [Fingerprint], logger: Logger) {
        self.allow = allow
        self.logger = logger
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        guard case .handshakeCompleted(let identity)? = event as? TLSEvent else {
            context.fireUserInboundEventTriggered(event)
            return
        }
        let certificate = identity.certificate
        if self.allow.contains(where: { $0.matches(certificate) }) {
            self.isAllowed = true
        } else {
            self.logger.notice(
                "metrics: refused a scraper whose certificate [metrics] allow does not name; to admit it add \"\(certificate.publicKeyFingerprint)\"",
                metadata: ["address": "\(context.channel.remoteAddress?.ipAddress ?? "unknown")"])
            context.close(promise: nil)
        }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard self.isAllowed else { return }
        context.fireChannelRead(data)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // The TLS handler closes the connection on its own errors; nothing to answer.
        context.close(promise: nil)
    }
}
