import NIOCore

/// How the hub and a connection on an I/O loop name each other across threads.
///
/// The connection's own handler stays on its I/O loop (``session``, touched only there);
/// the hub keeps the handle under the ``SessionID`` it gave the session and reads that
/// ID back from the handle when an event arrives (``id``, touched only on the hub loop).
/// Neither side looks anything up in a shared table, and no field is touched from two
/// threads.
final class SessionHandle: @unchecked Sendable {
    /// The I/O loop the connection lives on, which carries out the hub's decisions for it.
    let loop: IOLoop
    /// The connection; only on ``loop``'s event loop.
    let session: NIOLoopBound<SessionHandler>
    /// The hub's name for the session once it admitted it: set and read on the hub loop only.
    /// (Events from the connection reach the hub in order, the handshake first, so every
    /// later event finds it set.)
    var id: SessionID?

    init(loop: IOLoop, session: SessionHandler) {
        self.loop = loop
        self.session = NIOLoopBound(session, eventLoop: loop.eventLoop)
    }
}
