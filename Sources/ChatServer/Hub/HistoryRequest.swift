import HistoryStore

/// A read of the history log a session asked for (CHATHISTORY), carried out by the
/// transport on the log's readers; the answer goes back to the hub state.
public struct HistoryRequest: Sendable, Equatable {
    /// What to read.
    public enum Read: Sendable, Equatable {
        /// Messages of one conversation.
        case messages(HistoryConversation, HistoryQuery)
        /// The conversations of `user` (folded nick) and of its `channels` with a message
        /// between the two times (milliseconds), latest first.
        case targets(user: String, channels: [String], from: Int64, to: Int64)
        /// Private messages kept for `recipient` (folded nick) while it was offline, each
        /// claimed once: only those this read took off the queue are answered.
        case offline(recipient: String)
    }

    /// Who asked.
    public let session: SessionID
    /// The CHATHISTORY subcommand, for the replies.
    public let subcommand: String
    /// The target as the client wrote it (`*` for TARGETS).
    public let target: String
    public let read: Read
    /// At most this many results (at most ``HistoryLimit/maximum``).
    public let limit: Int
    /// The IRCv3 `label` of the command that asked, for its labeled response.
    public var label: String? = nil

    /// The `subcommand` of a replay on JOIN, which no client sent.
    public static let replay = "REPLAY"
    /// The `subcommand` of the delivery of messages kept while the nick was offline.
    public static let offline = "OFFLINE"
}

/// What the log answered to a ``HistoryRequest``.
public enum HistoryAnswer: Sendable {
    case messages([HistoryRecord])
    case targets([HistoryTargetListing])
    case failed(HistoryStoreError)
}
