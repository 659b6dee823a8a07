/// Events the ``TLSHandler`` sends up the pipeline with `fireUserInboundEventTriggered`.
public enum TLSEvent: Sendable, Hashable {
    /// The handshake finished and the peer was accepted; application data may flow.
    case handshakeCompleted(PeerIdentity)
}
