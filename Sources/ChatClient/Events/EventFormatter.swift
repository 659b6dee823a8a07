import Foundation

/// Turns events into the lines a person reads: `HH:MM #room <alice> text`.
public struct EventFormatter: Sendable {
    /// Formats times; local time zone unless set.
    public var timeZone: TimeZone = .current

    public init(timeZone: TimeZone = .current) {
        self.timeZone = timeZone
    }

    /// The line for `event`, or nil for events that show nothing (the own echo of a
    /// private message is shown once, as `→ bob: text`).
    public func line(for event: ChatEvent) -> String? {
        switch event {
        case .message(let message):
            return self.line(for: message)
        case .notice(let from, let text):
            return "-\(from)- \(text)"
        case .joined(let room, let nick, let isSelf):
            return isSelf ? "you joined \(room)" : "\(nick) joined \(room)"
        case .parted(let room, let nick, let reason, let isSelf):
            return (isSelf ? "you left \(room)" : "\(nick) left \(room)") + (reason.map { " (\($0))" } ?? "")
        case .kicked(let room, let nick, let by, let reason, let isSelf):
            return (isSelf ? "you were removed from \(room) by \(by)" : "\(nick) was removed from \(room) by \(by)")
                + (reason.map { " (\($0))" } ?? "")
        case .quit(let nick, let reason):
            return "\(nick) quit" + (reason.map { " (\($0))" } ?? "")
        case .nickChanged(let from, let to, let isSelf):
            return isSelf ? "you are now known as \(to)" : "\(from) is now known as \(to)"
        case .topic(let room, let text, let setBy):
            guard let text else { return "\(room) has no topic" }
            if let setBy { return "\(setBy) set the topic of \(room): \(text)" }
            return "topic of \(room): \(text)"
        case .names(let room, let nicks):
            return "in \(room): " + nicks.sorted().joined(separator: ", ")
        case .info(let text):
            return text
        case .serverError(let code, let text):
            return "server: \(text) (\(code))"
        case .registered(let nick):
            return "connected as \(nick)"
        case .reconnecting(let delay, let attempt, let cause):
            // The cause without its advice (after "; "): the advice is for a person, once.
            let words = cause.components(separatedBy: "; ").first ?? cause
            let seconds = max(Int((delay / .seconds(1)).rounded()), 1)
            return "\(words); retrying in \(seconds) s (attempt \(attempt))"
        case .reconnected(let rooms):
            return rooms.isEmpty ? "reconnected" : "reconnected; back in " + rooms.joined(separator: ", ")
        case .caughtUp(let missed):
            switch missed {
            case 0: return "nothing was said while you were away"
            case 1: return "1 message you missed is above"
            default: return "\(missed) messages you missed are above"
            }
        case .historyIncomplete(let target, let fetched):
            return "\(target): only the first \(fetched) messages of its history since then were fetched"
        case .disconnected(let cause):
            return cause.map { "disconnected: \($0.reason)" } ?? "disconnected"
        }
    }

    /// `HH:MM #room <alice> text`, `HH:MM [private] <bob> text`, `HH:MM → bob: text`;
    /// a message from history carries its date in brackets instead,
    /// `[2026-01-02 03:04] #room <alice> text`, so it never passes for one said now.
    public func line(for message: ChatMessage) -> String {
        self.prefix(for: message) + message.text
    }

    /// How many columns come before a message's text in its line, so that wrapped rows
    /// can start under the text; 0 for events that are not messages.
    public func indent(for event: ChatEvent) -> Int {
        guard case .message(let message) = event else { return 0 }
        return DisplayWidth.of(self.prefix(for: message))
    }

    /// The line up to the message text: time, room or peer, sender.
    private func prefix(for message: ChatMessage) -> String {
        let time = message.isHistory ? "[\(self.day(message.time)) \(self.clock(message.time))]" : self.clock(message.time)
        let sender = message.isAction ? "* \(message.from) " : "<\(message.from)> "
        if let room = message.room {
            return "\(time) \(room) \(sender)"
        }
        if message.isOwnEcho {
            return message.isAction ? "\(time) → \(message.to): * \(message.from) " : "\(time) → \(message.to): "
        }
        return "\(time) [private] \(sender)"
    }

    private func day(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = self.timeZone
        let parts = calendar.dateComponents([.year, .month, .day], from: date)
        return String(format: "%04d-%02d-%02d", parts.year ?? 0, parts.month ?? 0, parts.day ?? 0)
    }

    private func clock(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = self.timeZone
        let parts = calendar.dateComponents([.hour, .minute], from: date)
        return String(format: "%02d:%02d", parts.hour ?? 0, parts.minute ?? 0)
    }
}
