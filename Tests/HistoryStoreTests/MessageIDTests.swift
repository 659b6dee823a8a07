import ServerTime
import Testing

@testable import HistoryStore

@Suite("Message IDs and references")
struct MessageIDTests {
    @Test(arguments: [1, 2, 31, 32, 1 << 40, (1 << 40) + 1, (3 << 40) | 12345, Int64.max - 1, Int64.max] as [Int64])
    func textRoundTrips(rawValue: Int64) throws {
        let id = try #require(MessageID(rawValue: rawValue))
        let text = id.description
        #expect(text.utf8.count == MessageID.textLength)
        #expect(MessageID(text) == id)
    }

    @Test func textSortsLikeTheNumbers() throws {
        var generator = SystemRandomNumberGenerator()
        var ids = try (0..<500).map { _ in
            try #require(MessageID(rawValue: Int64.random(in: 1...Int64.max, using: &generator)))
        }
        ids += [MessageID(epoch: 1, counter: 0), MessageID(epoch: 1, counter: 1), MessageID(epoch: 2, counter: 0)]
        let byNumber = ids.sorted()
        let byText = ids.sorted { $0.description < $1.description }
        #expect(byNumber == byText)
    }

    @Test func epochAndCounterAreSplitFromTheNumber() {
        let id = MessageID(epoch: 7, counter: 42)
        #expect(id.epoch == 7)
        #expect(id.counter == 42)
        #expect(MessageID(epoch: 8, counter: 0) > MessageID(epoch: 7, counter: MessageID.maximumCounter))
    }

    @Test(arguments: [
        "", "0", "000000000001", "00000000000001", // wrong widths
        "0000000000000", // zero is no ID
        "800000000000a", "z000000000000", // 2⁶³ and above
        "000000000000A", "000000000000i", "000000000000l", "000000000000o", "000000000000u", // not in the alphabet
        "00000000000-1", "000000000000 ", "00000000000é",
    ])
    func foreignTextIsNoID(text: String) {
        #expect(MessageID(text) == nil)
    }

    @Test func referencesParseFromChatHistoryParameters() throws {
        let id = MessageID(epoch: 3, counter: 9)
        #expect(HistoryReference(parameter: "msgid=\(id)") == .messageID(id))
        #expect(HistoryReference(parameter: "timestamp=2019-01-04T14:33:26.123Z") == .timestamp(1_546_612_406_123))
        #expect(HistoryReference(parameter: "*") == nil)
        #expect(HistoryReference(parameter: "msgid=nope") == nil)
        #expect(HistoryReference(parameter: "timestamp=2019-01-04") == nil)
        #expect(HistoryReference(parameter: "time=2019-01-04T14:33:26.123Z") == nil)
    }

    @Test(arguments: [
        ("1970-01-01T00:00:00.000Z", Int64(0)),
        ("2019-01-04T14:33:26.123Z", 1_546_612_406_123),
        ("2000-02-29T23:59:59.999Z", 951_868_799_999),
        ("1969-12-31T23:59:59.999Z", -1),
        ("2023-11-14T22:13:20.000Z", 1_700_000_000_000),
    ])
    func timestampsConvertBothWays(text: String, milliseconds: Int64) {
        #expect(ServerTimeFormat.parse(text) == milliseconds)
        #expect(ServerTimeFormat.format(milliseconds) == text)
    }

    @Test(arguments: [
        "2019-02-29T00:00:00.000Z", "2019-13-01T00:00:00.000Z", "2019-00-10T00:00:00.000Z",
        "2019-01-01T24:00:00.000Z", "2019-01-01T00:60:00.000Z", "2019-01-01T00:00:60.000Z",
        "2019-01-01T00:00:00.000", "2019-01-01 00:00:00.000Z", "2019-01-01T00:00:00Z",
        "+019-01-01T00:00:00.000Z",
    ])
    func malformedTimestampsAreRefused(text: String) {
        #expect(ServerTimeFormat.parse(text) == nil)
    }
}
