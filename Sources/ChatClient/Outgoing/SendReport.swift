/// How a text went on the wire: as it was, cut into several messages, or batched.
public struct SendReport: Hashable, Sendable {
    /// The messages the server got: PRIVMSG lines and multiline batches.
    public var messages: Int
    /// How many of them were multiline batches.
    public var batches: Int
    /// The text's own lines (not counting blank ones).
    public var textLines: Int

    init(_ units: [OutgoingPlanner.Unit], text: String) {
        self.messages = units.count
        self.batches = units.filter(\.isBatch).count
        self.textLines = OutgoingPlanner.lines(of: text).filter { !$0.isEmpty }.count
    }

    /// A line for the user when the text did not go as one message of its own lines, else nil.
    public var notice: String? {
        if self.batches > 1 {
            return "(too long for one message: sent as \(self.messages) messages)"
        }
        guard self.batches == 0, self.messages > self.textLines else { return nil }
        return "(longer than one IRC line: sent as \(self.messages) messages, cut between words)"
    }
}
