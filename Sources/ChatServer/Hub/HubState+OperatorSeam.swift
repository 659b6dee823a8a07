import Foundation
import IRC

/// What moderation needs of server operators, in one place so that it follows the
/// operator model once the server has one.
extension HubState {
    /// Whether the filter leaves this session alone: server operators always are exempt.
    func isFilterExempt(_ session: SessionID) -> Bool {
        false
    }

    /// A server NOTICE for every online operator's sessions; none without operators.
    func noticeToOperators(_ text: String) -> [HubOutput] {
        []
    }
}
