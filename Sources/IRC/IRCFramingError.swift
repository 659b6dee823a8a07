import CodedError

/// The byte stream cannot be cut into IRC lines any more; the connection should close.
///
/// Thrown by ``IRCLineDecoder`` only. Unlike an over-long *complete* line (which the
/// decoder reports as ``IRCLineEvent/tooLong`` so the server can answer 417), this
/// means the peer keeps sending without a line end, and buffering more would let it
/// grow our memory without bound. Equal and hashed by ``IRCError/code`` only.
public typealias IRCFramingError = IRCError<IRCFramingErrorCode>

/// The kinds of ``IRCFramingError``.
public enum IRCFramingErrorCode: String, IRCErrorCode {
    public static let errorName = "IRCFramingError"

    /// More than ``IRCLineDecoder/maxUnterminatedBytes`` bytes arrived without a line end.
    case receiveQueueExceeded
}
