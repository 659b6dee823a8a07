import ChatClient
import Testing

@Suite struct ReconnectPolicyTests {
    @Test(arguments: [0.0, 0.5, 1.0])
    func delaysDoubleFromOneSecondAndStopAtTheCap(_ random: Double) {
        var policy = ReconnectPolicy()
        let factor = 1 + 0.2 * (2 * random - 1)
        let expected: [Double] = [1, 2, 4, 8, 16, 32, 60, 60, 60].map { $0 * factor }
        for seconds in expected {
            let delay = policy.nextDelay(random: random)
            #expect(abs(delay / .seconds(1) - seconds) < 0.001)
        }
    }

    @Test func jitterStaysWithinTwentyPercent() {
        var policy = ReconnectPolicy()
        for _ in 0..<200 {
            let delay = policy.nextDelay()
            #expect(delay >= .milliseconds(800))
            #expect(delay <= .seconds(72))
        }
    }

    @Test func healthyConnectionResetsTheBackoff() {
        var policy = ReconnectPolicy()
        _ = policy.nextDelay(random: 0.5)
        _ = policy.nextDelay(random: 0.5)
        policy.connectionEnded(after: .seconds(5))
        #expect(policy.nextDelay(random: 0.5) == .seconds(4))
        policy.connectionEnded(after: .seconds(45))
        #expect(policy.nextDelay(random: 0.5) == .seconds(1))
    }
}
