import HistoryStore
import IRC

/// One thing the transport must do after the hub handled an event, in order.
public enum HubOutput: Sendable, Equatable {
    /// Send `message` to each of `recipients`; the transport serializes it once and writes the same bytes to all.
    case send(IRCMessage, to: [SessionID])
    /// Send `ERROR :<reason>` to the session and close it. The hub has already removed the
    /// session and told its channels (QUIT) if it was its nick's last; `nick` is the one it
    /// had, for the log.
    case close(SessionID, nick: String?, reason: String)
    /// Registration completed (the transport stops the registration timer and logs).
    case registered(SessionID, nick: String, account: String)
    /// Store `record` in the history log; its ID already went out as the msgid.
    case record(HistoryRecord, holdForRecipient: Bool)
    /// Send `message` to `recipients` once record `id` is stored: the sender's echo, an
    /// acknowledgement, means durable. If it cannot be stored they get
    /// `FAIL <command> MESSAGE_ERROR` instead.
    case sendWhenStored(IRCMessage, to: [SessionID], id: MessageID)
    /// Send `messages`, in order, to `recipients` once every record of `ids` is stored (a
    /// labeled response or a multiline batch acknowledging several messages). If one of
    /// them cannot be stored they get one `FAIL <command> MESSAGE_ERROR <last id>` instead,
    /// with the `label` of the messages, if any.
    case sendAllWhenStored([IRCMessage], to: [SessionID], ids: [MessageID])
    /// Read the history log for a session (off the hub's loop) and hand the result back
    /// to ``HubState/answer(_:with:now:)``.
    case queryHistory(HistoryRequest)
    /// Operators were sent `text` as a server notice (``HubState/notifyOperators(_:)``);
    /// the transport writes it to the log too, so that it is kept.
    case serverNotice(String)
    /// Append `event` to the moderation audit log (off the hub's loop).
    case audit(ModerationAuditEvent)
    /// Store a report with its evidence (off the hub's loop) and hand the outcome to
    /// ``HubState/reportFiled(_:result:now:)``.
    case fileReport(ReportRequest)
    /// Close a report in the store (off the hub's loop) and hand the outcome to
    /// ``HubState/reportResolved(_:result:now:)``.
    case resolveReport(ResolveRequest)
    /// Store a read marker (off the hub's loop) and hand the outcome to
    /// ``HubState/readMarkerStored(_:result:now:)``.
    case storeReadMarker(ReadMarkerRequest)
}
