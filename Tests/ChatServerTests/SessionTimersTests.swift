@testable import ChatServer
import NIOCore
import Testing

/// The registration deadline, the PING after silence and the PONG deadline, as a value:
/// an argument table of clock readings, no sockets and no sleeps.
@Suite struct SessionTimersTests {
    static let start = NIODeadline.uptimeNanoseconds(1_000_000_000_000)

    /// What happens, in order: the client is active, registers, or the timer fires.
    enum Step: CustomStringConvertible {
        case activity(seconds: Int64)
        case registered
        case tick(seconds: Int64, SessionTimers.Action)

        var description: String {
            switch self {
            case .activity(let seconds): "activity at \(seconds) s"
            case .registered: "registered"
            case .tick(let seconds, let action): "tick at \(seconds) s → \(action)"
            }
        }
    }

    static func timers() -> SessionTimers {
        SessionTimers(registrationTimeout: .seconds(30), pingInterval: .seconds(90), pingTimeout: .seconds(60), now: start)
    }

    static let cases: [(String, [Step])] = [
        ("registration deadline passes", [.tick(seconds: 29, .nothingDue), .tick(seconds: 30, .close(reason: "Closing link: registration timed out after 30 seconds"))]),
        ("activity does not extend registration", [.activity(seconds: 20), .tick(seconds: 30, .close(reason: "Closing link: registration timed out after 30 seconds"))]),
        ("registered in time: no close at 30 s", [.registered, .tick(seconds: 30, .nothingDue)]),
        ("silence earns a PING", [.registered, .tick(seconds: 89, .nothingDue), .tick(seconds: 90, .sendPing)]),
        ("no answer to the PING closes", [.registered, .tick(seconds: 90, .sendPing), .tick(seconds: 149, .nothingDue), .tick(seconds: 150, .close(reason: "Ping timeout: 60 seconds"))]),
        ("an answer cancels the PONG deadline", [.registered, .tick(seconds: 90, .sendPing), .activity(seconds: 100), .tick(seconds: 150, .nothingDue), .tick(seconds: 190, .sendPing)]),
        ("activity postpones the PING", [.registered, .activity(seconds: 60), .tick(seconds: 90, .nothingDue), .tick(seconds: 150, .sendPing)]),
    ]

    @Test(arguments: cases)
    func timersFollowTheTable(name: String, steps: [Step]) {
        var timers = Self.timers()
        for step in steps {
            switch step {
            case .activity(let seconds):
                timers.activity(now: Self.start + .seconds(seconds))
            case .registered:
                timers.registered()
            case .tick(let seconds, let expected):
                #expect(timers.tick(now: Self.start + .seconds(seconds)) == expected, "\(name): \(step)")
            }
        }
    }

    @Test func theNextDeadlineIsTheNearestDue() {
        var timers = Self.timers()
        #expect(timers.nextDeadline == Self.start + .seconds(30))
        timers.registered()
        #expect(timers.nextDeadline == Self.start + .seconds(90))
        #expect(timers.tick(now: Self.start + .seconds(90)) == .sendPing)
        #expect(timers.nextDeadline == Self.start + .seconds(150))
        timers.activity(now: Self.start + .seconds(100))
        #expect(timers.nextDeadline == Self.start + .seconds(190))
    }
}
