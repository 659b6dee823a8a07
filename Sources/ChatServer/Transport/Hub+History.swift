import HistoryStore
import IRC
import Logging
import NIOCore

extension Hub {
    /// What waits for a record of the history log to be stored.
    struct HeldSend {
        let message: IRCMessage
        let recipients: [SessionID]
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
            guard let held = self.takeHeld(id) else { continue }
            defer { self.release(held) }
            guard failure != nil else {
                self.routeReleased(held.message, to: held.recipients)
                continue
            }
            let fail = IRCMessage(
                source: self.serverSource, command: "FAIL",
                params: [held.message.command, "MESSAGE_ERROR", id.description, "Your message could not be stored; it was not acknowledged"]
            )
            self.routeReleased(fail, to: held.recipients)
        }
        self.scheduleFlush()
    }
}
