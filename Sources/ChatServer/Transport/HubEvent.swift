import IRC
import NIOCore
import TLS

/// What a connection on an I/O loop tells the hub. Each loop sends its events in batches,
/// once per loop turn, in the order they happened.
enum HubEvent: Sendable {
    /// TLS completed; `refusal` is set when the peer failed the check against a TLS
    /// context loaded after its handshake began.
    case admit(SessionHandle, PeerIdentity, address: String, refusal: String?)
    /// One line, or an over-long line's notice.
    case line(SessionHandle, IRCLineEvent)
    /// The connection must close (timeout, flood, send queue, framing).
    case close(SessionHandle, reason: String)
    /// The session was silent for the ping interval.
    case ping(SessionHandle)
    /// The certificate no longer passes the reloaded TLS context.
    case revoke(SessionHandle, reason: String)
    /// TLS failed on an admitted connection (it closes itself); the hub logs it with what
    /// it knows of the session.
    case tlsFailure(SessionHandle, TLSError)
    /// The connection is gone.
    case disconnected(SessionHandle, reason: String)
}

/// What the hub tells an I/O loop to do for its connections, in order.
enum IOOperation: Sendable {
    /// Write and flush the session's share of the batch's buffer.
    case write(SessionHandle, PendingOutput)
    /// Send `ERROR :<reason>` after what was written, and close.
    case close(SessionHandle, reason: String)
    /// Registration completed: the registration deadline no longer applies.
    case registered(SessionHandle)
    /// Stop (true) or resume (false) reading the session: its messages wait for the disk.
    case holdReading(SessionHandle, Bool)
}

/// One hub turn's work for one I/O loop: operations whose writes are ranges of `buffer`,
/// where each message was serialized once for every recipient on every loop.
struct IOBatch: Sendable {
    var buffer: ByteBuffer
    var operations: [IOOperation]
}
