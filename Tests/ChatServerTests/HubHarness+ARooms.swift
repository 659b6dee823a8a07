import ChatServer
import Testing

/// The room most capability tests start from: one nick that asks for a capability between
/// two that do not.
extension HubHarness {
    /// Registers alice, then bob requesting `caps`, then carol; every log is empty afterwards.
    mutating func registerWithOnlyBobAsking(for caps: String) -> (alice: SessionID, bob: SessionID, carol: SessionID) {
        (register("alice"), register("bob", caps: caps), register("carol"))
    }
}
