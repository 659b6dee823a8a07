import Foundation
import GRDB
import Testing

@testable import HistoryStore

@Suite("Sequencing across restarts")
struct SequencingTests {
    @Test func idsStayUniqueAndSortedAcrossReopens() async throws {
        try await withTemporaryDirectory { directory in
            var all: [MessageID] = []
            var epochs: [Int64] = []
            for run in 0..<3 {
                let (store, _) = try openStore(in: directory)
                let sequencer = try #require(store.sequencer as? LocalHistorySequencer)
                epochs.append(sequencer.epoch)
                let records = await appendAll((0..<20).map { channelMessage("run \(run) #\($0)") }, to: store)
                all += records.map(\.id)
                await store.close()
            }
            #expect(epochs == [1, 2, 3])
            #expect(Set(all).count == all.count)
            #expect(all == all.sorted())
            let texts = all.map(\.description)
            #expect(texts == texts.sorted(), "msgids sort as text in issue order")

            let (store, _) = try openStore(in: directory)
            let stored = try await store.messages(in: .channel("#ops"), .latest(after: nil), limit: 100)
            #expect(stored.map(\.id) == all)
            await store.close()
        }
    }

    /// A crash can leave rows from an epoch the sequencer table never recorded (it is
    /// written once per open). The next open still starts above them.
    @Test func aNewEpochStartsAboveTheLargestStoredID() async throws {
        try await withTemporaryDirectory { directory in
            let foreign = MessageID(epoch: 9, counter: 5)
            try await storeOneMessageThenAlter(
                in: directory, text: "first",
                sql: """
                    INSERT INTO event (seq, time, kind, source, sender, senderKey, account, target,
                        targetKey, isDirect, conversation, text, clientTags)
                    VALUES (?, 0, 0, 'x!x@x', 'x', 'x', NULL, '#ops', '#ops', 0, '#ops', 'left by a crash', '')
                    """,
                arguments: [foreign.rawValue]
            )

            let (reopened, _) = try openStore(in: directory)
            let sequencer = try #require(reopened.sequencer as? LocalHistorySequencer)
            #expect(sequencer.epoch == 10)
            let next = reopened.append(channelMessage("after"))
            #expect(next.id > foreign)
            await reopened.flush()
            await reopened.close()
        }
    }

    /// The hub does not care where numbers come from: a sequencer given at open is
    /// the only one used, and the file's epoch is left alone.
    @Test func aGivenSequencerIsTheOnlySourceOfIDs() async throws {
        final class Counting: HistorySequencer {
            let counter = Locked<Int64>(100)
            func next() -> MessageID {
                MessageID(epoch: 500, counter: self.counter.withLock { value in
                    value += 1
                    return value
                })
            }
        }
        try await withTemporaryDirectory { directory in
            let (store, recorder) = try openStore(in: directory, sequencer: Counting())
            let records = await appendAll([channelMessage("a"), channelMessage("b")], to: store)
            #expect(records.map(\.id) == [MessageID(epoch: 500, counter: 101), MessageID(epoch: 500, counter: 102)])
            #expect(recorder.committedIDs == records.map(\.id))
            let epoch = try await store.pool.read { try Int64.fetchOne($0, sql: "SELECT epoch FROM sequencer") }
            #expect(epoch == nil)
            await store.close()
        }
    }

    @Test func theLocalSequencerMovesToTheNextEpochWhenItsCounterRunsOut() {
        let sequencer = LocalHistorySequencer(epoch: 4, startingAt: MessageID.maximumCounter)
        let last = sequencer.next()
        let next = sequencer.next()
        #expect(last == MessageID(epoch: 4, counter: MessageID.maximumCounter))
        #expect(next == MessageID(epoch: 5, counter: 0))
        #expect(sequencer.epoch == 5)
    }
}
