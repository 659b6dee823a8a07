import IRC
import Testing

@Suite("server-time tag values")
struct IRCServerTimeTests {
    @Test("formats as YYYY-MM-DDThh:mm:ss.sssZ in UTC", arguments: [
        (0, "1970-01-01T00:00:00.000Z"),
        (1_319_042_451_620, "2011-10-19T16:40:51.620Z"),  // the IRCv3 server-time example
        (1_700_000_000_123, "2023-11-14T22:13:20.123Z"),
        (-1, "1969-12-31T23:59:59.999Z"),
        (951_868_799_999, "2000-02-29T23:59:59.999Z"),  // a 400-year leap day
        (1_709_251_199_999, "2024-02-29T23:59:59.999Z"),
        (-2_203_891_200_000, "1900-03-01T00:00:00.000Z"),  // 1900 has no 29 February
        (-2_208_988_800_001, "1899-12-31T23:59:59.999Z"),
        (4_107_542_400_001, "2100-03-01T00:00:00.001Z"),
        (2_147_483_648_000, "2038-01-19T03:14:08.000Z"),  // past a 32-bit time_t
        (253_402_300_799_999, "9999-12-31T23:59:59.999Z"),
        (-62_135_596_800_000, "0001-01-01T00:00:00.000Z"),
    ] as [(Int64, String)])
    func formatsTagValue(milliseconds: Int64, expected: String) {
        let time = IRCServerTime(millisecondsSinceEpoch: milliseconds)
        #expect(time.tagValue == expected)
        #expect(time.description == expected)
    }

    @Test func secondsAndMillisecondsMakeTheSameInstant() {
        #expect(IRCServerTime(secondsSinceEpoch: 1_319_042_451, milliseconds: 620) == IRCServerTime(millisecondsSinceEpoch: 1_319_042_451_620))
        #expect(IRCServerTime(secondsSinceEpoch: 1) < IRCServerTime(millisecondsSinceEpoch: 1001))
    }

    @Test func nowIsARecentWellShapedValue() throws {
        let value = IRCServerTime.now().tagValue
        #expect(value.utf8.count == 24)
        #expect(value.hasSuffix("Z"))
        #expect(value >= "2024-01-01T00:00:00.000Z")
        let message = IRCMessage(tags: ["time": value], source: "s", command: "PRIVMSG", params: ["#c", "hi"])
        #expect(try IRCMessage(parsing: message.serialized.utf8).tags.value(for: "time") == value)
    }
}
