import Foundation
import HistoryStore

/// A MARKREAD that moves a nick's read marker forward, for the transport to store in the
/// history log; the outcome goes back to ``HubState/readMarkerStored(_:result:now:)``.
public struct ReadMarkerRequest: Sendable, Equatable {
    /// The session that sent MARKREAD: told of a failure.
    public let session: SessionID
    /// The buffer as the client named it, for the replies.
    public let target: String
    public let marker: ReadMarker
    /// The MARKREAD's labeled-response `label`: its answer, when it comes, carries it.
    public internal(set) var label: String?
}
