import Testing

@testable import HistoryStore

@Suite("Writer state")
struct WriterStateTests {
    private func append(_ counter: Int64) -> PendingAppend {
        PendingAppend(
            record: HistoryRecord(id: MessageID(epoch: 1, counter: counter), event: channelMessage("m\(counter)")),
            holdForRecipient: false
        )
    }

    @Test func onlyTheFirstAppendSchedulesADrain() {
        var state = HistoryWriterState(highWaterMark: 100, lowWaterMark: 10)
        #expect(state.enqueue(self.append(0)).scheduleDrain)
        #expect(!state.enqueue(self.append(1)).scheduleDrain)
        #expect(!state.enqueue(self.append(2)).scheduleDrain)
        #expect(state.backlog == 3)
    }

    @Test func aBatchTakesEverythingQueuedUpToTheMaximum() {
        var state = HistoryWriterState(highWaterMark: 100, lowWaterMark: 10)
        for counter in 0..<5 { _ = state.enqueue(self.append(Int64(counter))) }
        let first = state.takeBatch(maximum: 3)
        #expect(first.map(\.record.id.counter) == [0, 1, 2])
        #expect(state.backlog == 5, "records being committed still count")
        let finish = state.finishBatch(succeeded: true)
        #expect(finish.scheduleDrain, "two are still queued")
        #expect(state.takeBatch(maximum: 3).map(\.record.id.counter) == [3, 4])
        #expect(!state.finishBatch(succeeded: true).scheduleDrain)
        #expect(state.backlog == 0)
        #expect(state.statistics.committedBatches == 2)
        #expect(state.statistics.largestBatch == 3)
    }

    @Test func behindAtHighWaterAndCaughtUpOnlyAtLowWater() {
        var state = HistoryWriterState(highWaterMark: 4, lowWaterMark: 1)
        var became: [Bool] = []
        for counter in 0..<6 {
            became.append(state.enqueue(self.append(Int64(counter))).becameBehind)
        }
        #expect(became == [false, false, false, true, false, false])
        #expect(state.isBehind)
        _ = state.takeBatch(maximum: 3)
        #expect(!state.finishBatch(succeeded: true).caughtUp, "3 left is above the low-water mark")
        #expect(state.isBehind)
        _ = state.takeBatch(maximum: 2)
        #expect(state.finishBatch(succeeded: false).caughtUp, "a failed batch also leaves the queue")
        #expect(!state.isBehind)
        #expect(state.statistics.failedRecords == 2)
    }

    @Test func waitersResumeOnceTheirAppendsAreReported() {
        var state = HistoryWriterState(highWaterMark: 100, lowWaterMark: 10)
        #expect(state.waitForFinished({}) != nil, "nothing pending: resume at once")
        _ = state.enqueue(self.append(0))
        _ = state.enqueue(self.append(1))
        #expect(state.waitForFinished({}) == nil)
        _ = state.takeBatch(maximum: 1)
        #expect(state.finishBatch(succeeded: true).resume.isEmpty, "one of two reported")
        _ = state.takeBatch(maximum: 1)
        #expect(state.finishBatch(succeeded: true).resume.count == 1)
    }

    @Test func anEmptyQueueEndsTheDrain() {
        var state = HistoryWriterState(highWaterMark: 100, lowWaterMark: 10)
        _ = state.enqueue(self.append(0))
        _ = state.takeBatch(maximum: 10)
        _ = state.finishBatch(succeeded: true)
        #expect(state.takeBatch(maximum: 10).isEmpty)
        #expect(state.enqueue(self.append(1)).scheduleDrain, "the next append starts a new drain")
    }
}
