import ChatClient
import Foundation

/// Counts benchmark messages from every sender ("stream") to its receivers and decides
/// how far each sender may run ahead.
///
/// A message is one `(stream, seq)`; it is fully delivered once all of the stream's
/// receivers have it. A stream's frontier is its first message not fully delivered, and a
/// sender may send `seq` only while `seq < frontier + window`: at most `window` messages
/// ahead of its slowest receiver, so no server queue ever has to drop anything.
///
/// A run that sends on a schedule for as long as something else lasts (the storm) gives
/// each stream room for more messages than it will send and calls ``stopSending()``: from
/// then on a stream's end is what it has sent, and only that has to arrive.
///
/// Shared by every event loop, guarded by one lock taken once per read batch.
final class DeliveryTracker: @unchecked Sendable {
    struct Stream {
        let receivers: Int
        /// How many receivers have message `seq`.
        var counts: [UInt16]
        /// The number of messages the stream sends: `messagesPerStream`, or fewer once
        /// sending stopped.
        var end: Int
        var frontier = 0
        var sent = 0
        /// The sender has more to send and must be woken when the window opens.
        var waiting = false
        var sender: StreamSender?
    }

    /// One received message as a connection reports it.
    struct Receipt {
        var stream: Int32
        var seq: Int32
        /// When the sender wrote it, in ``monotonicNanoseconds()``.
        var sentAt: UInt64
        var latencyNanoseconds: UInt64
        var order: Order
    }

    enum Order { case inOrder, duplicate, reordered }

    let messagesPerStream: Int
    let window: Int
    private let lock = NSLock()
    private var streams: [Stream]
    private var latency: PhasedLatency
    private var received = 0
    private var unique = 0
    private var duplicates = 0
    private var reordered = 0
    private var completeStreams = 0

    /// - Parameters:
    ///   - receivers: for each stream, how many connections receive it.
    ///   - firstPhase: the name of the latency phase the run starts in (see ``beginPhase(_:)``).
    init(receivers: [Int], messagesPerStream: Int, window: Int, firstPhase: String = "") {
        precondition(receivers.allSatisfy { $0 <= Int(UInt16.max) }, "at most 65535 receivers per stream")
        self.messagesPerStream = messagesPerStream
        self.window = window
        self.latency = PhasedLatency(firstPhase: firstPhase)
        self.streams = receivers.map {
            Stream(receivers: $0, counts: [UInt16](repeating: 0, count: messagesPerStream), end: messagesPerStream)
        }
    }

    var streamCount: Int { self.streams.count }

    /// Messages sent from now on have their latency reported under `name` (`name_latency_us_p50`, …).
    func beginPhase(_ name: String) {
        self.lock.withLock { self.latency.begin(name, at: monotonicNanoseconds()) }
    }

    /// Ends every stream at what it has sent: nothing more is reserved, and the run is
    /// complete once those messages have arrived everywhere.
    func stopSending() {
        self.lock.withLock {
            for index in self.streams.indices {
                let stream = self.streams[index]
                if stream.frontier < stream.end, stream.frontier >= stream.sent { self.completeStreams += 1 }
                self.streams[index].end = stream.sent
                self.streams[index].waiting = false
            }
        }
    }

    func attach(_ sender: StreamSender, to stream: Int) {
        self.lock.withLock { self.streams[stream].sender = sender }
    }

    /// Reserves the next messages `stream` may send, at most up to `limit` (a rate
    /// schedule) and the window; returns the range of sequence numbers to send now, and
    /// whether the stream has nothing left to send after them.
    func reserve(stream: Int, upTo limit: Int) -> (range: Range<Int>, finished: Bool) {
        self.lock.withLock {
            let end = self.streams[stream].end
            let allowed = min(end, self.streams[stream].frontier + self.window, limit)
            let start = self.streams[stream].sent
            guard allowed > start else {
                self.streams[stream].waiting = start < end
                return (start..<start, start >= end)
            }
            self.streams[stream].sent = allowed
            self.streams[stream].waiting = allowed < end
            return (start..<allowed, allowed >= end)
        }
    }

    /// Applies a batch of receipts and wakes the senders whose window opened.
    func apply(_ receipts: [Receipt]) {
        var wake: [StreamSender] = []
        self.lock.withLock {
            for receipt in receipts {
                self.received += 1
                self.latency.record(sentAt: receipt.sentAt, latencyNanoseconds: receipt.latencyNanoseconds)
                let stream = Int(receipt.stream)
                let seq = Int(receipt.seq)
                guard stream >= 0, stream < self.streams.count, seq >= 0, seq < self.messagesPerStream else {
                    self.duplicates += 1  // not a message this run sent
                    continue
                }
                switch receipt.order {
                case .duplicate:
                    self.duplicates += 1
                    continue
                case .reordered:
                    self.reordered += 1
                case .inOrder:
                    break
                }
                self.unique += 1
                self.streams[stream].counts[seq] += 1
                var state = self.streams[stream]
                guard seq == state.frontier else { continue }
                let wasComplete = state.frontier >= state.end
                while state.frontier < self.messagesPerStream, Int(state.counts[state.frontier]) >= state.receivers {
                    state.frontier += 1
                }
                if !wasComplete, state.frontier >= state.end { self.completeStreams += 1 }
                // Wake a blocked sender once half its window is free, so that it sends in
                // batches rather than one write per delivered message.
                if state.waiting, let sender = state.sender,
                    state.frontier + self.window - state.sent >= max(1, self.window / 2)
                {
                    state.waiting = false
                    wake.append(sender)
                }
                self.streams[stream].frontier = state.frontier
                self.streams[stream].waiting = state.waiting
            }
        }
        for sender in wake { sender.wake() }
    }

    /// True once every message reached every receiver.
    var isComplete: Bool { self.lock.withLock { self.completeStreams == self.streams.count } }

    /// Messages sent so far over all streams.
    var sentCount: Int { self.lock.withLock { self.streams.reduce(0) { $0 + $1.sent } } }

    /// True once every sender has sent all its messages.
    var allSent: Bool { self.lock.withLock { self.streams.allSatisfy { $0.sent == $0.end } } }

    /// Delivery counts and latency percentiles, for the JSON line.
    func report(into report: inout JSONLine) -> (delivered: Int, unique: Int) {
        self.lock.withLock {
            let expected = self.streams.reduce(0) { $0 + $1.receivers * $1.end }
            report["messages_sent"] = self.streams.reduce(0) { $0 + $1.sent }
            report["deliveries_expected"] = expected
            report["deliveries_received"] = self.received
            report["lost"] = expected - self.unique
            report["duplicated"] = self.duplicates
            report["reordered"] = self.reordered
            self.latency.report(into: &report)
            return (self.received, self.unique)
        }
    }
}
