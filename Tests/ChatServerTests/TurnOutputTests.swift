@testable import ChatServer
import IRC
import NIOCore
import Testing

@Suite struct TurnOutputTests {
    private func text(_ output: TurnOutput, _ share: PendingOutput) -> [String] {
        var slices: [String] = []
        TurnOutput.forEachSlice(of: share, in: output.buffer) { slices.append(String(buffer: $0)) }
        return slices
    }

    @Test func adjacentRangesMergeIntoOneSlice() {
        var output = TurnOutput(allocator: ByteBufferAllocator())
        var share = PendingOutput()
        for text in ["one", "two", "three"] {
            share.add(output.append(IRCMessage(command: "PRIVMSG", params: ["#a", text])), turn: output.turn)
        }
        #expect(text(output, share) == ["PRIVMSG #a one\r\nPRIVMSG #a two\r\nPRIVMSG #a three\r\n"])
    }

    @Test func aGapStartsANewSliceAndOrderIsKept() {
        var output = TurnOutput(allocator: ByteBufferAllocator())
        var bob = PendingOutput()
        let first = output.append(IRCMessage(command: "PING", params: ["1"]))
        _ = output.append(IRCMessage(command: "PING", params: ["2"]))  // not bob's
        let third = output.append(IRCMessage(command: "PING", params: ["3"]))
        let fourth = output.append(IRCMessage(command: "PING", params: ["4"]))
        for range in [first, third, fourth] { bob.add(range, turn: output.turn) }
        #expect(text(output, bob) == ["PING 1\r\n", "PING 3\r\nPING 4\r\n"])
    }

    @Test func aRangeFromANewTurnReplacesAShareOfAnEndedOne() {
        let allocator = ByteBufferAllocator()
        var output = TurnOutput(allocator: allocator)
        var stale = PendingOutput()
        stale.add(output.append(IRCMessage(command: "PING", params: ["old"])), turn: output.turn)
        _ = output.finishTurn(allocator: allocator)
        stale.add(output.append(IRCMessage(command: "PING", params: ["x"])), turn: output.turn)
        #expect(text(output, stale) == ["PING x\r\n"])
    }

    /// The I/O loops read a finished turn's buffer while the hub writes the next one.
    @Test func aFinishedTurnsBufferKeepsItsBytes() {
        let allocator = ByteBufferAllocator()
        var output = TurnOutput(allocator: allocator)
        var share = PendingOutput()
        share.add(output.append(IRCMessage(command: "PING", params: ["kept"])), turn: output.turn)
        let finished = output.finishTurn(allocator: allocator)
        _ = output.append(IRCMessage(command: "PING", params: ["overwrite"]))
        var held: [ByteBuffer] = []
        TurnOutput.forEachSlice(of: share, in: finished) { held.append($0) }
        #expect(held.map { String(buffer: $0) } == ["PING kept\r\n"])
        #expect(output.turn == 1)
    }

    @Test func takeLeavesTheShareEmpty() {
        var output = TurnOutput(allocator: ByteBufferAllocator())
        var share = PendingOutput()
        share.add(output.append(IRCMessage(command: "PING", params: ["1"])), turn: output.turn)
        let taken = share.take()
        #expect(share.isEmpty)
        #expect(!taken.isEmpty)
    }
}
