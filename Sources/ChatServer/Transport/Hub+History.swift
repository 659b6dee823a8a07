import Foundation
import HistoryStore
import IRC
import Logging
import NIOCore

extension Hub {
    /// What waits for a record of the history log to be stored.
    struct HeldSend {
        let messages: [IRCMessage]
        let recipients: [SessionID]
        /// A record it also waited for could not be stored.
        var failed = false
    }

    /// Reads what `request` asks on the log's readers, off the hub's loop, and hands the
    /// answer to the hub state back on the loop. Without a log the answer is empty.
    func readHistory(_ request: HistoryRequest) {
        guard self.history != nil else {
            self.apply(self.state.answer(request, with: .messages([]), now: Date()))
            return
        }
        self.runOnStore(
            { history -> HistoryAnswer in
                switch request.read {
                case .messages(let conversation, let query):
                    return .messages(try await history.messages(in: conversation, query, limit: request.limit))
                case .offline(let recipient):
                    let kept = try await history.undelivered(for: recipient, limit: request.limit)
                    let claimed = Set(try await history.markDelivered(kept.map(\.id), for: recipient))
                    return .messages(kept.filter { claimed.contains($0.id) })
                case .targets(let user, let channels, let from, let to):
                    return .targets(
                        try await history.targets(for: user, channels: channels, between: from, and: to, limit: request.limit))
                }
            },
            failing: .readFailed,
            then: { state, result, now in
                switch result {
                case .success(let answer): state.answer(request, with: answer, now: now)
                case .failure(let error): state.answer(request, with: .failed(error), now: now)
                }
            }
        )
    }

    /// Runs `work` on the store in a task and `then` with its result on the hub's loop,
    /// applying what the hub state answers (history, reports, read markers). An error that
    /// is not the store's own becomes `failing` with the log's path; a failure is logged.
    func runOnStore<T: Sendable>(
        _ work: @escaping @Sendable (HistoryStore) async throws -> T,
        failing code: HistoryStoreError.Code = .writeFailed,
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
                result = .failure(HistoryStoreError(code, "\(history.path): \(error)"))
            }
            hub.eventLoop.execute {
                let hub = hub.value
                if case .failure(let error) = result {
                    let verb = code == .readFailed ? "read" : "written"
                    hub.logger.error("the history log could not be \(verb): \(error.reason)")
                }
                hub.apply(finish.value(&hub.state, result, Date()))
                hub.scheduleFlush()
            }
        }
    }

    /// A batch of the history log was committed, or failed; on the hub loop. What was held
    /// for its records goes out now: the echoes after a commit, or for a failure
    /// `FAIL <command> MESSAGE_ERROR <msgid>` to each sender, and the reason in the log.
    func historyBatchFinished(_ outcome: HistoryBatchOutcome) {
        let failure: HistoryStoreError?
        switch outcome.result {
        case .success: failure = nil
        case .failure(let error): failure = error
        }
        if let failure {
            self.logger.error(
                "history: \(outcome.ids.count) messages not stored, their senders are told: \(failure.reason)"
            )
        }
        for id in outcome.ids {
            guard let held = self.takeHeld(id, failed: failure != nil) else { continue }
            defer { self.release(held) }
            guard failure != nil || held.failed else {
                for message in held.messages { self.routeReleased(message, to: held.recipients) }
                continue
            }
            let command = held.messages.first { $0.command != "BATCH" }?.command ?? "PRIVMSG"
            var fail = IRCMessage(
                source: self.serverSource, command: "FAIL",
                params: [command, "MESSAGE_ERROR", id.description, "Your message could not be stored; it was not acknowledged"]
            )
            if let label = held.messages.lazy.compactMap({ $0.tags.value(for: "label") }).first {
                fail.tags.set("label", to: label)
            }
            self.routeReleased(fail, to: held.recipients)
        }
        self.scheduleFlush()
    }
}
