@testable import ChatServer
import NIOCore
import NIOEmbedded
import Testing

/// A storm of handshakes takes at most `perTurn` steps of an I/O loop's turn; the rest
/// wait for later turns, in order, with their bytes kept.
@Suite struct HandshakePacingTests {
    @Test func aTurnHandsOutPerTurnTokensThenQueues() {
        let loop = EmbeddedEventLoop()
        let budget = HandshakeBudget(perTurn: 2, eventLoop: loop)
        var resumed: [Int] = []
        #expect(budget.take { resumed.append(0) })
        #expect(budget.take { resumed.append(1) })
        #expect(!budget.take { resumed.append(2) })
        #expect(!budget.take { resumed.append(3) })
        #expect(!budget.take { resumed.append(4) })
        #expect(resumed.isEmpty)
        loop.advanceTime(by: HandshakeBudget.refillInterval)  // next turn: two tokens, to the two oldest waiters
        #expect(resumed == [2, 3])
        loop.advanceTime(by: HandshakeBudget.refillInterval)
        #expect(resumed == [2, 3, 4])
        loop.advanceTime(by: HandshakeBudget.refillInterval)
        // Nobody waits and the turn's tokens are back.
        #expect(budget.take { resumed.append(5) })
        #expect(budget.take { resumed.append(6) })
        #expect(resumed == [2, 3, 4])
    }

    @Test func aNewcomerDoesNotJumpTheQueue() {
        let loop = EmbeddedEventLoop()
        let budget = HandshakeBudget(perTurn: 1, eventLoop: loop)
        var resumed: [Int] = []
        #expect(budget.take { resumed.append(0) })
        #expect(!budget.take { resumed.append(1) })
        loop.advanceTime(by: HandshakeBudget.refillInterval)
        #expect(resumed == [1])
        // The token of this turn went to the waiter: a newcomer waits.
        #expect(!budget.take { resumed.append(2) })
        loop.advanceTime(by: HandshakeBudget.refillInterval)
        #expect(resumed == [1, 2])
    }

    /// A channel whose pipeline holds a pacer with a budget of one handshake step a turn.
    private static func pacedChannel() throws -> (EmbeddedChannel, HandshakePacer) {
        let channel = EmbeddedChannel()
        let pacer = HandshakePacer(budget: HandshakeBudget(perTurn: 1, eventLoop: channel.embeddedEventLoop))
        try channel.pipeline.syncOperations.addHandler(pacer)
        return (channel, pacer)
    }

    @Test func thePacerHoldsReadsWithoutATokenAndReleasesThemInOrder() throws {
        let (channel, _) = try Self.pacedChannel()
        let loop = channel.embeddedEventLoop
        try channel.writeInbound(ByteBuffer(string: "one"))
        try channel.writeInbound(ByteBuffer(string: "two"))
        try channel.writeInbound(ByteBuffer(string: "three"))
        #expect(try channel.readInbound(as: ByteBuffer.self) == ByteBuffer(string: "one"))
        #expect(try channel.readInbound(as: ByteBuffer.self) == nil)
        loop.advanceTime(by: HandshakeBudget.refillInterval)
        #expect(try channel.readInbound(as: ByteBuffer.self) == ByteBuffer(string: "two"))
        #expect(try channel.readInbound(as: ByteBuffer.self) == ByteBuffer(string: "three"))
    }

    @Test func afterTheHandshakeThePacerPassesEverythingAndLeaves() throws {
        let (channel, pacer) = try Self.pacedChannel()
        let loop = channel.embeddedEventLoop
        pacer.stopPacing()
        for index in 0..<5 { try channel.writeInbound(ByteBuffer(string: "line \(index)")) }
        for index in 0..<5 { #expect(try channel.readInbound(as: ByteBuffer.self) == ByteBuffer(string: "line \(index)")) }
        loop.run()
        #expect(throws: (any Error).self) { try channel.pipeline.syncOperations.handler(type: HandshakePacer.self) }
    }
}
