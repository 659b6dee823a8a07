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

    /// Runs `work` on the store in a task and `then` with its result on the hub's loop,
    /// applying what the hub state answers (reports, read markers).
    func runOnStore<T: Sendable>(
        _ work: @escaping @Sendable (HistoryStore) async throws -> T,
        then answer: @escaping (inout HubState, Result<T, HistoryStoreError>, Date) -> [HubOutput]
    ) {
        let hub = NIOLoopBound(self, eventLoop: self.loop)
        let finish = NIOLoopBound(answer, eventLoop: self.loop)
        guard let history = self.history else {
            let result: Result<T, HistoryStoreError> = .failure(HistoryStoreError(.closed, "the history log is off"))
            self.apply(answer(&self.state, result, Date()))
            return
        }
        Task {
            let result: Result<T, HistoryStoreError>
            do {
                result = .success(try await work(history))
            } catch let error as HistoryStoreError {
                result = .failure(error)
            } catch {
                result = .failure(HistoryStoreError(.writeFailed, "\(history.path): \(error)"))
            }
            hub.eventLoop.execute {
                let hub = hub.value
                if case .failure(let error) = result {
                    hub.logger.error("the history log could not be written: \(error.reason)")
                }
                hub.apply(finish.value(&hub.state, result, Date()))
                hub.scheduleFlush()
            }
        }
    }
}
