@testable import ChatServer
import Foundation
import TestSupport
import Testing

/// The settle rules, event by event, without files or timers.
@Suite("File settler")
struct FileSettlerTests {
    /// Three distinct snapshots of real files: the settler only compares them.
    let full: FileSnapshot
    let empty: FileSnapshot
    let half: FileSnapshot
    let contents = Array("alice sha256:00\n".utf8)

    init() throws {
        let directory = try makeTemporaryDirectory(prefix: "file-settler-tests")
        defer { removeTemporaryDirectory(directory) }
        self.full = try Self.snapshot(of: "alice sha256:00\n", in: directory, as: "full")
        self.empty = try Self.snapshot(of: "", in: directory, as: "empty")
        self.half = try Self.snapshot(of: "alice sha", in: directory, as: "half")
    }

    private static func snapshot(of text: String, in directory: URL, as name: String) throws -> FileSnapshot {
        let url = directory.appendingPathComponent(name)
        try Data(text.utf8).write(to: url)
        return try #require(FileSnapshot(path: url.path))
    }

    @Test func nothingHappensWithoutAnEvent() {
        var settler = FileSettler()
        #expect(settler.event(.settled(.file(self.full, contents: self.contents))) == .none)
        #expect(settler.event(.writing(self.half)) == .none, "a write under way starts no settle by itself")
    }

    @Test func completedWriteIsDeliveredOnceSettled() {
        var settler = FileSettler()
        #expect(settler.event(.changed(self.full)) == .startTimer)
        #expect(settler.event(.settled(.file(self.full, contents: self.contents))) == .deliver(.modified(contents: self.contents)))
        #expect(!settler.isSettling)
        #expect(settler.event(.settled(.file(self.full, contents: self.contents))) == .none, "a late timer does nothing")
    }

    @Test func writeDuringTheSettleRestartsIt() {
        var settler = FileSettler()
        #expect(settler.event(.changed(self.full)) == .startTimer)
        #expect(settler.event(.writing(self.empty)) == .startTimer)
        #expect(settler.event(.writing(self.half)) == .startTimer)
        #expect(settler.event(.changed(self.full)) == .startTimer)
        #expect(settler.event(.settled(.file(self.full, contents: self.contents))) == .deliver(.modified(contents: self.contents)))
    }

    @Test func fileThatChangedSinceTheLastEventSettlesAgain() {
        var settler = FileSettler()
        _ = settler.event(.changed(self.empty))
        // Polling saw it truncated; by the timer it is half written.
        #expect(settler.event(.settled(.file(self.half, contents: Array("alice sha".utf8)))) == .startTimer)
        #expect(settler.event(.settled(.file(self.full, contents: self.contents))) == .startTimer)
        #expect(settler.event(.settled(.file(self.full, contents: self.contents))) == .deliver(.modified(contents: self.contents)))
    }

    @Test func fileChangingWhileReadSettlesAgain() {
        var settler = FileSettler()
        _ = settler.event(.changed(self.full))
        #expect(settler.event(.settled(.unstable(after: self.full))) == .startTimer)
        #expect(settler.event(.settled(.file(self.full, contents: self.contents))) == .deliver(.modified(contents: self.contents)))
    }

    @Test func emptyFileIsDeliveredAfterASecondQuietSettle() {
        var settler = FileSettler()
        _ = settler.event(.changed(self.empty))
        #expect(settler.event(.settled(.file(self.empty, contents: []))) == .confirmEmpty)
        #expect(settler.event(.settled(.file(self.empty, contents: []))) == .deliver(.modified(contents: [])))
    }

    @Test func emptyFileFollowedByAWriteIsNeverDelivered() {
        var settler = FileSettler()
        _ = settler.event(.changed(self.empty))
        #expect(settler.event(.settled(.file(self.empty, contents: []))) == .confirmEmpty)
        #expect(settler.event(.writing(self.half)) == .startTimer)
        #expect(settler.event(.changed(self.full)) == .startTimer)
        #expect(settler.event(.settled(.file(self.full, contents: self.contents))) == .deliver(.modified(contents: self.contents)))
    }

    @Test func eventBetweenTwoEmptyReadsStartsTheCountAgain() {
        var settler = FileSettler()
        _ = settler.event(.changed(self.empty))
        #expect(settler.event(.settled(.file(self.empty, contents: []))) == .confirmEmpty)
        #expect(settler.event(.changed(self.empty)) == .startTimer)
        #expect(settler.event(.settled(.file(self.empty, contents: []))) == .confirmEmpty, "a further close-write: wait again")
        #expect(settler.event(.settled(.file(self.empty, contents: []))) == .deliver(.modified(contents: [])))
    }

    @Test func removalIsDeliveredOnceUntilTheFileIsBack() {
        var settler = FileSettler()
        _ = settler.event(.changed(nil))
        #expect(settler.event(.settled(.missing)) == .deliver(.removed))
        _ = settler.event(.changed(nil))
        #expect(settler.event(.settled(.missing)) == .none)
        _ = settler.event(.changed(self.full))
        #expect(settler.event(.settled(.file(self.full, contents: self.contents))) == .deliver(.modified(contents: self.contents)))
        _ = settler.event(.changed(self.full))
        #expect(settler.event(.settled(.unreadable(self.full))) == .deliver(.removed), "unreadable counts as gone")
    }

    @Test func fileRemovedDuringTheSettleIsReadAgainBeforeReportingIt() {
        var settler = FileSettler()
        _ = settler.event(.changed(self.full))
        #expect(settler.event(.settled(.missing)) == .startTimer, "an editor may be about to rename its copy in")
        #expect(settler.event(.settled(.missing)) == .deliver(.removed))
    }
}
