import Foundation
import HistoryStore

/// A report a session made (REPORT), for the transport to file in the history log; the
/// outcome goes back to ``HubState/reportFiled(_:result:now:)``.
public struct ReportRequest: Sendable, Equatable {
    /// Who reported: told the report's id once it is stored.
    public let session: SessionID
    public let filing: ReportFiling
}

/// An operator closing a report (RESOLVE), for the transport to record in the history
/// log; the outcome goes back to ``HubState/reportResolved(_:result:now:)``.
public struct ResolveRequest: Sendable, Equatable {
    /// The operator's session.
    public let session: SessionID
    public let id: Int64
    /// The operator's nick, kept with the report.
    public let resolver: String
    public let note: String
    public let time: Date
}
