import ChatServer
import Foundation
import NIOConcurrencyHelpers
import NIOCore
import NIOEmbedded
import NIOPosix
import TestSupport
import Testing

@Suite("File watcher")
struct FileWatcherTests {
    /// Changes seen by a watcher's callback, from any thread.
    final class Recorder: Sendable {
        private let seen = NIOLockedValueBox<[FileWatcher.Change]>([])
        func append(_ change: FileWatcher.Change) { self.seen.withLockedValue { $0.append(change) } }
        var changes: [FileWatcher.Change] { self.seen.withLockedValue { $0 } }
    }

    let directory: URL
    let file: URL
    init() throws {
        self.directory = try makeTemporaryDirectory(prefix: "file-watcher-tests")
        self.file = self.directory.appendingPathComponent("allow.txt")
    }

    private func write(_ text: String, to url: URL? = nil) throws {
        try Data(text.utf8).write(to: url ?? self.file)
    }

    /// A watcher on an embedded loop, started, with its recorder and a way to let one
    /// polling interval pass.
    private func embeddedWatcher() -> (FileWatcher, Recorder, tick: () -> Void) {
        let loop = EmbeddedEventLoop()
        let recorder = Recorder()
        let watcher = FileWatcher(path: self.file.path, eventLoop: loop) { recorder.append($0) }
        watcher.start()
        return (watcher, recorder, { loop.advanceTime(by: .milliseconds(250)) })
    }

    @Test func unchangedFileIsNeverReported() throws {
        defer { removeTemporaryDirectory(self.directory) }
        try self.write("alice sha256:00\n")
        let (_, recorder, tick) = self.embeddedWatcher()
        for _ in 0..<20 { tick() }
        #expect(recorder.changes.isEmpty)
    }

    @Test func writeInPlaceIsReportedOnce() throws {
        defer { removeTemporaryDirectory(self.directory) }
        try self.write("alice sha256:00\n")
        let (_, recorder, tick) = self.embeddedWatcher()
        tick()
        try self.write("alice sha256:00\nbob sha256:11\n")
        #expect(recorder.changes.isEmpty, "nothing before the next poll")
        tick()
        tick()
        tick()
        #expect(recorder.changes == [.modified])
    }

    @Test func replaceByRenameIsReportedEvenWithTheSameSize() throws {
        defer { removeTemporaryDirectory(self.directory) }
        try self.write("alice sha256:00\n")
        let (_, recorder, tick) = self.embeddedWatcher()
        let temporary = self.directory.appendingPathComponent(".allow.txt.swp")
        try self.write("carol sha256:00\n", to: temporary)
        #expect(rename(temporary.path, self.file.path) == 0)
        tick()
        tick()
        #expect(recorder.changes == [.modified])
    }

    @Test func deletionIsReportedOnceAndReappearanceAgain() throws {
        defer { removeTemporaryDirectory(self.directory) }
        try self.write("alice sha256:00\n")
        let (_, recorder, tick) = self.embeddedWatcher()
        try FileManager.default.removeItem(at: self.file)
        tick()
        tick()
        tick()
        #expect(recorder.changes == [.removed])
        try self.write("alice sha256:00\n")
        tick()
        #expect(recorder.changes == [.removed, .modified])
    }

    @Test func fileMissingAtStartIsReportedWhenItAppears() throws {
        defer { removeTemporaryDirectory(self.directory) }
        let (_, recorder, tick) = self.embeddedWatcher()
        tick()
        #expect(recorder.changes.isEmpty)
        try self.write("alice sha256:00\n")
        tick()
        #expect(recorder.changes == [.modified])
    }

    @Test func stoppedWatcherReportsNothingAndCanRestart() throws {
        defer { removeTemporaryDirectory(self.directory) }
        try self.write("a\n")
        let (watcher, recorder, tick) = self.embeddedWatcher()
        watcher.stop()
        try self.write("ab\n")
        tick()
        #expect(recorder.changes.isEmpty)
        watcher.start()
        tick()
        #expect(recorder.changes.isEmpty, "a restart takes the file as it is as the new baseline")
        try self.write("abc\n")
        tick()
        #expect(recorder.changes == [.modified])
    }

    @Test func realLoopReportsAWriteOnItsOwnLoop() async throws {
        defer { removeTemporaryDirectory(self.directory) }
        try self.write("a\n")
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let loop = group.next()
        let recorder = Recorder()
        let watcher = FileWatcher(path: self.file.path, interval: .milliseconds(20), eventLoop: loop) { change in
            loop.preconditionInEventLoop()
            recorder.append(change)
        }
        watcher.start()
        try await loop.submit {}.get()  // the baseline is taken
        try self.write("ab\n")
        for _ in 0..<500 where recorder.changes.isEmpty {
            try await Task.sleep(for: .milliseconds(10))
        }
        watcher.stop()
        try await loop.submit {}.get()
        #expect(recorder.changes == [.modified])
        try await group.shutdownGracefully()
    }
}
