import NIOCore
import Testing

@testable import ChatServer

/// The token bucket and its bounded wait alone, on a made-up clock.
@Suite struct FloodControlTests {
    let start = NIODeadline.uptimeNanoseconds(1_000_000_000)

    /// Plays a client that sends `perSecond` lines a second for `seconds`, while the session
    /// hands waiting lines on as tokens come. Returns when it was disconnected, if it was.
    private func play(
        _ flood: inout FloodControl, perSecond: Int, seconds: Int, bytes: Int = 100
    ) -> (at: TimeAmount, reason: String)? {
        var waiting = 0
        let step = TimeAmount.nanoseconds(1_000_000_000 / Int64(perSecond))
        for index in 0..<(perSecond * seconds) {
            let now = self.start + step * Int64(index)
            while waiting > 0, flood.takeDelayed(now: now) { waiting -= 1 }
            if waiting == 0 { flood.caughtUp() }
            switch flood.admit(now: now, alreadyDelayed: waiting, delayedBytes: waiting * bytes, bytes: bytes) {
            case .allow: break
            case .delay: waiting += 1
            case .disconnect(let reason): return (now - self.start, reason)
            }
        }
        return nil
    }

    @Test func pasteArrivingAtOnceIsOnlyDelayedHoweverLongItTakes() {
        var flood = FloodControl(burst: 20, rate: 5, disconnectAfter: .seconds(10), now: self.start)
        var verdicts: [FloodControl.Verdict] = []
        for waiting in 0..<532 {
            verdicts.append(flood.admit(now: self.start, alreadyDelayed: max(waiting - 20, 0)))
        }
        #expect(verdicts.prefix(20).allSatisfy { $0 == .allow })
        #expect(verdicts.dropFirst(20).allSatisfy { if case .delay = $0 { true } else { false } })
        // 512 lines wait for 100 s; a line typed every 2 s meanwhile is no flood.
        var waiting = 512
        for second in stride(from: 2, through: 120, by: 2) {
            let now = self.start + .seconds(Int64(second))
            while waiting > 0, flood.takeDelayed(now: now) { waiting -= 1 }
            if waiting == 0 { flood.caughtUp() }
            let verdict = flood.admit(now: now, alreadyDelayed: waiting)
            if case .disconnect = verdict { Issue.record("disconnected at \(second) s") }
            if verdict != .allow { waiting += 1 }
        }
    }

    @Test(arguments: [(6, 5.0), (60, 50.0), (11, 10.0)])
    func sendingFasterThanTheRateIsDisconnectedAfterDisconnectAfter(perSecond: Int, rate: Double) throws {
        var flood = FloodControl(burst: 20, rate: rate, disconnectAfter: .seconds(10), now: self.start)
        let cut = try #require(self.play(&flood, perSecond: perSecond, seconds: 120))
        // The burst lasts 20 / (perSecond - rate) seconds; then lines wait, 10 s more.
        let burst = 20 / (Double(perSecond) - rate)
        #expect(cut.at > .seconds(Int64(burst + 10)) - .milliseconds(500))
        #expect(cut.at < .seconds(Int64(burst + 20)))
        #expect(cut.reason.hasPrefix("Excess Flood: faster than"))
    }

    @Test func sendingAtTheRateIsNeverDisconnected() {
        var flood = FloodControl(burst: 20, rate: 5, disconnectAfter: .seconds(10), now: self.start)
        #expect(self.play(&flood, perSecond: 5, seconds: 600) == nil)
    }

    @Test func backlogOverTheLineBoundDisconnectsAtOnce() {
        var flood = FloodControl(burst: 1, rate: 1, disconnectAfter: .seconds(60), maxDelayed: 10, now: self.start)
        #expect(flood.admit(now: self.start, alreadyDelayed: 0) == .allow)
        for waiting in 0..<10 {
            if case .disconnect = flood.admit(now: self.start, alreadyDelayed: waiting) { Issue.record("cut at \(waiting)") }
        }
        guard case .disconnect(let reason) = flood.admit(now: self.start, alreadyDelayed: 10) else {
            Issue.record("expected a disconnect")
            return
        }
        #expect(reason.hasPrefix("Excess Flood: more than 10 lines"))
    }

    @Test func backlogOverTheByteBoundDisconnectsAtOnce() {
        var flood = FloodControl(burst: 1, rate: 1, disconnectAfter: .seconds(60), maxDelayedBytes: 1000, now: self.start)
        #expect(flood.admit(now: self.start, alreadyDelayed: 0, bytes: 600) == .allow)
        #expect(flood.admit(now: self.start, alreadyDelayed: 0, delayedBytes: 0, bytes: 600) != .allow)
        #expect(flood.admit(now: self.start, alreadyDelayed: 1, delayedBytes: 600, bytes: 600) != .allow)
        guard case .disconnect = flood.admit(now: self.start, alreadyDelayed: 1, delayedBytes: 600, bytes: 600) else {
            Issue.record("expected a disconnect")
            return
        }
    }

    @Test func aMultilineBatchOfAHundredLinesGoesAtOnce() {
        var flood = FloodControl(burst: 20, rate: 5, disconnectAfter: .seconds(10), now: self.start)
        let line = ByteBuffer(string: "@batch=b1 PRIVMSG #lobby :x")
        let cost = FloodControl.cost(ofLine: line.readableBytesView)
        #expect(cost == FloodControl.batchLineCost)
        for _ in 0..<100 {
            #expect(flood.admit(now: self.start, alreadyDelayed: 0, cost: cost) == .allow)
        }
        // What is left serves ordinary lines as usual.
        #expect(flood.admit(now: self.start, alreadyDelayed: 0) == .allow)
    }

    @Test(arguments: [
        ("@batch=x PRIVMSG #a :b", FloodControl.batchLineCost),
        ("@label=1;batch=x PRIVMSG #a :b", FloodControl.batchLineCost),
        ("@mybatch=x PRIVMSG #a :b", 1.0),
        ("@label=batch=x PRIVMSG #a :b", 1.0),
        ("PRIVMSG #a :@batch=x", 1.0),
        ("BATCH +x draft/multiline #a", 1.0),
    ])
    func onlyLinesTaggedBatchAreCheap(line: String, cost: Double) {
        #expect(FloodControl.cost(ofLine: ByteBuffer(string: line).readableBytesView) == cost)
    }
}
