import ChatServer
import Foundation
import TestSupport
import Testing

@Suite("Message of the day")
struct ConfigurationMOTDTests {
    private func motd(_ bytes: [UInt8]) throws -> [String]? {
        let directory = try makeTemporaryDirectory(prefix: "motd-tests")
        defer { removeTemporaryDirectory(directory) }
        let file = directory.appendingPathComponent("motd.txt")
        try Data(bytes).write(to: file)
        var configuration = ServerConfiguration()
        configuration.motdPath = file.path
        return try configuration.loadMOTD()
    }

    @Test func noMOTDConfiguredIsNil() throws {
        #expect(try ServerConfiguration().loadMOTD() == nil)
    }

    @Test func linesWithCRLFAndBlankLines() throws {
        #expect(try self.motd(Array("\u{FEFF}Welcome\r\n\r\nBe nice\r\n".utf8)) == ["Welcome", "", "Be nice"])
    }

    @Test func invalidUTF8IsReplaced() throws {
        #expect(try self.motd([0x63, 0x61, 0x66, 0xE9, 0x0A]) == ["caf\u{FFFD}"])
    }

    @Test func longLinesAreSplitBetweenCharacters() throws {
        let line = String(repeating: "a", count: 399) + "é" + String(repeating: "b", count: 10)
        let lines = try #require(try self.motd(Array(line.utf8)))
        #expect(lines == [String(repeating: "a", count: 399), "é" + String(repeating: "b", count: 10)])
        #expect(lines.allSatisfy { $0.utf8.count <= ServerConfiguration.motdLineBytes })
    }

    @Test func exactly400BytesStayOneLine() throws {
        #expect(try self.motd(Array(String(repeating: "x", count: 400).utf8)) == [String(repeating: "x", count: 400)])
    }

    @Test func missingFileSaysCannotRead() throws {
        var configuration = ServerConfiguration()
        configuration.motdPath = "/nonexistent/motd.txt"
        let error = try #require(throws: ConfigurationError.self) { try configuration.loadMOTD() }
        #expect(error.code == .fileUnreadable)
        #expect(error.reason.hasPrefix("/nonexistent/motd.txt: cannot read: No such file or directory"))
    }
}
