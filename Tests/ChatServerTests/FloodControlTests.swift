import NIOCore
import Testing

@testable import ChatServer

/// The token bucket alone, on a made-up clock.
@Suite struct FloodControlTests {
    let start = NIODeadline.uptimeNanoseconds(1_000_000_000)

    /// Plays the session: delayed lines are taken as tokens come, then reading resumes.
    /// Returns when the backlog was handled.
    private func drain(_ flood: inout FloodControl, waiting: Int, from now: NIODeadline) -> NIODeadline {
        var now = now
        for _ in 0..<waiting {
            // As the session does: wait for the next token, and again if rounding left it short.
            var taken = false
            for _ in 0..<3 where !taken {
                now = max(now, flood.nextToken(now: now))
                taken = flood.takeDelayed(now: now)
            }
            #expect(taken)
        }
        flood.caughtUp(now: now)
        return now
    }

    @Test func pasteArrivingAtOnceIsOnlyDelayedHoweverLongItTakes() {
        var flood = FloodControl(burst: 20, rate: 5, disconnectAfter: .seconds(10), now: self.start)
        var verdicts: [FloodControl.Verdict] = []
        for waiting in 0..<100 {
            let verdict = flood.admit(now: self.start, alreadyDelayed: max(waiting - 20, 0))
            verdicts.append(verdict)
        }
        #expect(verdicts.prefix(20).allSatisfy { $0 == .allow })
        #expect(verdicts.dropFirst(20).allSatisfy { if case .delay = $0 { true } else { false } })
        // 80 delayed lines at 5 per second: 16 seconds, more than disconnectAfter.
        let done = self.drain(&flood, waiting: 80, from: self.start)
        #expect(done - self.start >= .seconds(15))
        #expect(flood.admit(now: done + .seconds(1), alreadyDelayed: 0) == .allow)
    }

    @Test func clientThatKeepsSendingFasterThanTheRateIsDisconnected() throws {
        // One line every 50 ms against 10 per second; each line waits, and the 50 ms from
        // catching up to the next line count as excess.
        var flood = FloodControl(burst: 1, rate: 10, disconnectAfter: .seconds(1), now: self.start)
        var now = self.start
        var disconnectedAt: NIODeadline?
        for _ in 0..<200 {
            switch flood.admit(now: now, alreadyDelayed: 0) {
            case .allow:
                now = now + .milliseconds(50)
            case .delay:
                now = self.drain(&flood, waiting: 1, from: now) + .milliseconds(50)
            case .disconnect:
                disconnectedAt = now
            }
            if disconnectedAt != nil { break }
        }
        let elapsed = try #require(disconnectedAt) - self.start
        #expect(elapsed > .seconds(1))
        #expect(elapsed < .seconds(3))
    }

    @Test func lineThatFindsATokenEndsTheExcess() {
        var flood = FloodControl(burst: 1, rate: 10, disconnectAfter: .milliseconds(120), now: self.start)
        #expect(flood.admit(now: self.start, alreadyDelayed: 0) == .allow)
        var now = self.start + .milliseconds(50)
        for _ in 0..<3 {
            // 50 ms of excess from the second time on: 100 ms, under the limit.
            guard case .delay = flood.admit(now: now, alreadyDelayed: 0) else {
                Issue.record("expected a delay")
                return
            }
            now = self.drain(&flood, waiting: 1, from: now) + .milliseconds(50)
        }
        // A pause long enough to earn a token starts afresh.
        now = now + .seconds(1)
        #expect(flood.admit(now: now, alreadyDelayed: 0) == .allow)
        now = now + .milliseconds(50)
        guard case .delay = flood.admit(now: now, alreadyDelayed: 0) else {
            Issue.record("expected a delay")
            return
        }
        now = self.drain(&flood, waiting: 1, from: now) + .milliseconds(50)
        // 50 ms of excess in the new stretch; 150 ms had the old one gone on.
        guard case .delay = flood.admit(now: now, alreadyDelayed: 0) else {
            Issue.record("expected a delay, not a disconnect")
            return
        }
    }

    @Test func backlogOverTheBoundDisconnects() {
        var flood = FloodControl(burst: 1, rate: 1, disconnectAfter: .seconds(60), maxDelayed: 10, now: self.start)
        #expect(flood.admit(now: self.start, alreadyDelayed: 0) == .allow)
        for waiting in 0..<10 {
            #expect(flood.admit(now: self.start, alreadyDelayed: waiting) != .disconnect)
        }
        #expect(flood.admit(now: self.start, alreadyDelayed: 10) == .disconnect)
    }
}
