import Foundation
import HistoryStore
import IRC
import Logging
import NIOCore

extension Hub {
    /// Files a report in the history log, off the hub's loop, and hands the outcome to the
    /// hub state back on the loop. Without a log the report fails as unstorable.
    func fileReport(_ request: ReportRequest) {
        self.runOnStore(
            { try await $0.fileReport(request.filing) },
            then: { state, result, now in state.reportFiled(request, result: result, now: now) }
        )
    }

    /// Records a resolution in the history log, as ``fileReport(_:)`` does a report.
    func resolveReport(_ request: ResolveRequest) {
        let time = HubState.serverTime(request.time).millisecondsSinceEpoch
        self.runOnStore(
            { try await $0.resolveReport(request.id, by: request.resolver, note: request.note, time: time) },
            then: { state, result, now in state.reportResolved(request, result: result, now: now) }
        )
    }
}
