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
        guard let history = self.history else {
            self.apply(self.state.answer(request, with: .messages([]), now: Date()))
            return
        }
        let hub = NIOLoopBound(self, eventLoop: self.loop)
        Task {
            let answer: HistoryAnswer
            do {
                switch request.read {
                case .messages(let conversation, let query):
                    answer = .messages(try await history.messages(in: conversation, query, limit: request.limit))
                case .offline(let recipient):
                    let kept = try await history.undelivered(for: recipient, limit: request.limit)
                    let claimed = Set(try await history.markDelivered(kept.map(\.id), for: recipient))
                    answer = .messages(kept.filter { claimed.contains($0.id) })
                case .targets(let user, let channels, let from, let to):
                    answer = .targets(
                        try await history.targets(for: user, channels: channels, between: from, and: to, limit: request.limit))
                }
            } catch let error as HistoryStoreError {
                answer = .failed(error)
            } catch {
                answer = .failed(HistoryStoreError(.readFailed, "\(history.path): \(error)"))
            }
            hub.eventLoop.execute {
                let hub = hub.value
                hub.apply(hub.state.answer(request, with: answer, now: Date()))
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
