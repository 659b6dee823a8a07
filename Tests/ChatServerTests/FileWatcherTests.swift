@testable import ChatServer
import Foundation
import NIOConcurrencyHelpers
import NIOCore
import NIOEmbedded
import NIOPosix
import TestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

@Suite("File watcher")
final class FileWatcherTests {
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

    /// Each test has a folder of its own, removed with the suite instance that made it.
    deinit {
        removeTemporaryDirectory(self.directory)
    }

    private func write(_ text: String, to url: URL? = nil) throws {
        try Data(text.utf8).write(to: url ?? self.file)
    }

    private static func modified(_ text: String) -> FileWatcher.Change {
        .modified(contents: Array(text.utf8))
    }

    /// Opens the file as `>` does: created or truncated, for writing.
    private func openTruncating() throws -> CInt {
        let descriptor = open(self.file.path, O_WRONLY | O_TRUNC | O_CREAT | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw POSIXError(.init(rawValue: errno) ?? .EIO) }
        return descriptor
    }

    private static func append(_ bytes: some Collection<UInt8>, to descriptor: CInt) throws {
        let written = Array(bytes).withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress, $0.count) }
        guard written == bytes.count else { throw POSIXError(.EIO) }
    }

    /// Rewrites the file in place as `>` does: truncated on open, then written by whatever
    /// runs, here in two writes with `pause` before each, then closed.
    private func rewriteInPlace(_ text: String, pause: TimeInterval) throws {
        let descriptor = try self.openTruncating()
        defer { close(descriptor) }
        let bytes = Array(text.utf8)
        for part in [bytes[..<(bytes.count / 2)], bytes[(bytes.count / 2)...]] {
            Thread.sleep(forTimeInterval: pause)
            try Self.append(part, to: descriptor)
        }
    }

    // MARK: polling, on an embedded loop (where inotify cannot run)

    /// A watcher on an embedded loop, started (on the file holding `text`, when given), with
    /// its recorder and a way to let time pass.
    private func embeddedWatcher(
        on text: String? = nil, interval: TimeAmount = .milliseconds(250)
    ) throws -> (FileWatcher, Recorder, advance: (TimeAmount) -> Void) {
        if let text { try self.write(text) }
        let loop = EmbeddedEventLoop()
        let recorder = Recorder()
        let watcher = FileWatcher(path: self.file.path, interval: interval, eventLoop: loop) { recorder.append($0) }
        watcher.start()
        return (watcher, recorder, { loop.advanceTime(by: $0) })
    }

    @Test func loopThatCannotWatchDescriptorsFallsBackToPolling() throws {
        let (watcher, _, _) = try self.embeddedWatcher(on: "alice sha256:00\n")
        #expect(watcher.mode == .polling)
        watcher.stop()
        #expect(watcher.mode == nil)
    }

    @Test func unchangedFileIsNeverReported() throws {
        let (_, recorder, advance) = try self.embeddedWatcher(on: "alice sha256:00\n")
        for _ in 0..<20 { advance(.milliseconds(250)) }
        #expect(recorder.changes.isEmpty)
    }

    @Test func writeInPlaceIsReportedOnceWithItsContentsAfterTheSettle() throws {
        let (_, recorder, advance) = try self.embeddedWatcher(on: "alice sha256:00\n")
        advance(.milliseconds(250))
        try self.write("alice sha256:00\nbob sha256:11\n")
        advance(.milliseconds(250))
        #expect(recorder.changes.isEmpty, "seen by this poll, read only once the settle has passed")
        advance(.milliseconds(99))
        #expect(recorder.changes.isEmpty)
        advance(.milliseconds(1))
        advance(.milliseconds(500))
        #expect(recorder.changes == [Self.modified("alice sha256:00\nbob sha256:11\n")])
    }

    @Test func replaceByRenameIsReportedEvenWithTheSameSize() throws {
        let (_, recorder, advance) = try self.embeddedWatcher(on: "alice sha256:00\n")
        let temporary = self.directory.appendingPathComponent(".allow.txt.swp")
        try self.write("carol sha256:00\n", to: temporary)
        #expect(rename(temporary.path, self.file.path) == 0)
        for _ in 0..<2 { advance(.milliseconds(250)) }
        #expect(recorder.changes == [Self.modified("carol sha256:00\n")])
    }

    @Test func deletionIsReportedOnceAndReappearanceAgain() throws {
        let (_, recorder, advance) = try self.embeddedWatcher(on: "alice sha256:00\n")
        try FileManager.default.removeItem(at: self.file)
        for _ in 0..<4 { advance(.milliseconds(250)) }
        #expect(recorder.changes == [.removed])
        try self.write("alice sha256:00\n")
        for _ in 0..<2 { advance(.milliseconds(250)) }
        #expect(recorder.changes == [.removed, Self.modified("alice sha256:00\n")])
    }

    @Test func fileMissingAtStartIsReportedWhenItAppears() throws {
        let (_, recorder, advance) = try self.embeddedWatcher()
        advance(.milliseconds(250))
        #expect(recorder.changes.isEmpty)
        try self.write("alice sha256:00\n")
        for _ in 0..<2 { advance(.milliseconds(250)) }
        #expect(recorder.changes == [Self.modified("alice sha256:00\n")])
    }

    @Test func stoppedWatcherReportsNothingAndCanRestart() throws {
        let (watcher, recorder, advance) = try self.embeddedWatcher(on: "a\n")
        watcher.stop()
        try self.write("ab\n")
        advance(.milliseconds(500))
        #expect(recorder.changes.isEmpty)
        watcher.start()
        advance(.milliseconds(500))
        #expect(recorder.changes.isEmpty, "a restart takes the file as it is as the new baseline")
        try self.write("abc\n")
        advance(.milliseconds(500))
        #expect(recorder.changes == [Self.modified("abc\n")])
    }

    /// Polling sees whatever state the file is in at a poll: the truncated file, then half
    /// of it. The settle and the empty-file rule keep both from being delivered.
    @Test func pollingNeverDeliversATruncatedOrHalfWrittenFile() throws {
        let full = "alice sha256:00\nbob sha256:11\ncarol sha256:22\n"
        let (_, recorder, advance) = try self.embeddedWatcher(on: full, interval: .milliseconds(20))
        for round in 0..<50 {
            let descriptor = try self.openTruncating()
            advance(.milliseconds(30))
            try Self.append(Array(full.utf8).prefix(20), to: descriptor)
            advance(.milliseconds(30))
            try Self.append(Array(full.utf8).dropFirst(20), to: descriptor)
            close(descriptor)
            advance(.milliseconds(round % 10 == 9 ? 300 : 30))
        }
        #expect(recorder.changes.count == 5, "one delivery per pause long enough to settle")
        #expect(recorder.changes.allSatisfy { $0 == Self.modified(full) })
    }

    @Test func emptiedFileIsDeliveredOnlyAfterASecondSettle() throws {
        let (_, recorder, advance) = try self.embeddedWatcher(on: "alice sha256:00\n")
        try self.write("")
        advance(.milliseconds(250))  // the poll sees it
        advance(.milliseconds(100))  // the settle passes: empty, so it must stay so for longer
        #expect(recorder.changes.isEmpty)
        advance(.milliseconds(900))
        #expect(recorder.changes.isEmpty)
        advance(.milliseconds(100))
        #expect(recorder.changes == [Self.modified("")])
    }

    // MARK: inotify, on a real loop

    /// A watcher on a one-thread loop; `body` runs while it watches, then it is stopped and
    /// the loop shut down. Returns what the callback saw, each checked to be on the loop.
    private func withRealWatcher(
        source: FileWatcher.Source = .automatic,
        interval: TimeAmount = .milliseconds(250),
        _ body: (FileWatcher, Recorder) async throws -> Void
    ) async throws -> [FileWatcher.Change] {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let loop = group.next()
        let recorder = Recorder()
        let watcher = FileWatcher(path: self.file.path, interval: interval, source: source, eventLoop: loop) { change in
            loop.preconditionInEventLoop()
            recorder.append(change)
        }
        watcher.start()
        do {
            try await body(watcher, recorder)
        } catch {
            watcher.stop()
            try await group.shutdownGracefully()
            throw error
        }
        watcher.stop()
        try await loop.submit {}.get()
        try await group.shutdownGracefully()
        return recorder.changes
    }

    /// Waits (at most five seconds) until `recorder` holds `count` changes.
    private func waitFor(_ count: Int, in recorder: Recorder) async throws {
        for _ in 0..<500 where recorder.changes.count < count {
            try await Task.sleep(for: .milliseconds(10))
        }
    }

    private func mode(of watcher: FileWatcher) async throws -> FileWatcher.Mode? {
        try await watcher.eventLoop.submit { watcher.mode }.get()
    }

    /// A real loop watches with inotify unless told to poll, and either way reports a write
    /// on its own loop (the callback checks it runs there).
    @Test(arguments: [
        (FileWatcher.Source.automatic, TimeAmount.milliseconds(250), FileWatcher.Mode.inotify),
        (.polling, .milliseconds(20), .polling),
    ])
    func realLoopSeesAWriteOnItsOwnLoop(source: FileWatcher.Source, interval: TimeAmount, mode: FileWatcher.Mode) async throws {
        try self.write("a\n")
        let changes = try await self.withRealWatcher(source: source, interval: interval) { watcher, recorder in
            #expect(try await self.mode(of: watcher) == mode)
            try self.write("ab\n")
            try await self.waitFor(1, in: recorder)
        }
        #expect(changes == [Self.modified("ab\n")])
    }

    /// The defect this guards against: `>` truncates first and writes after, and a reload
    /// between the two saw an empty allowlist and closed every session.
    @Test func inPlaceRewritesNeverDeliverAnEmptyOrPartialFile() async throws {
        let full = "alice sha256:00\nbob sha256:11\ncarol sha256:22\n"
        try self.write(full)
        let changes = try await self.withRealWatcher { watcher, _ in
            #expect(try await self.mode(of: watcher) == .inotify)
            for round in 0..<50 {
                try self.rewriteInPlace(full, pause: 0.003)
                // Mostly back to back; now and then long enough for a reload to happen.
                try await Task.sleep(for: round % 10 == 9 ? .milliseconds(400) : .milliseconds(5))
            }
        }
        #expect(!changes.isEmpty, "the rewrites were seen")
        let incomplete = changes.filter { $0 != Self.modified(full) }
        #expect(incomplete.isEmpty, "\(incomplete.count) of \(changes.count) deliveries were not the whole file: \(incomplete)")
    }

    @Test func replacementByMoveIsSeen() async throws {
        try self.write("alice sha256:00\n")
        let changes = try await self.withRealWatcher { _, recorder in
            let temporary = self.directory.appendingPathComponent("allow.txt.new")
            try self.write("carol sha256:00\n", to: temporary)
            #expect(rename(temporary.path, self.file.path) == 0)
            try await self.waitFor(1, in: recorder)
        }
        #expect(changes == [Self.modified("carol sha256:00\n")])
    }

    /// Emptying the allowlist is how an operator locks everyone out: it must take effect,
    /// once it has stayed empty through the settle and then the empty settle.
    @Test func intentionallyEmptiedFileIsDeliveredAfterTheSettle() async throws {
        try self.write("alice sha256:00\n")
        let clock = ContinuousClock()
        var emptied = clock.now
        let changes = try await self.withRealWatcher { _, recorder in
            emptied = clock.now
            close(try self.openTruncating())  // `: > allow.txt`
            try await self.waitFor(1, in: recorder)
            #expect(clock.now - emptied >= .milliseconds(1100), "a settle of 100 ms, then one of a second")
        }
        #expect(changes == [Self.modified("")])
    }

    /// When the watched folder itself goes away, inotify has nothing left to watch: the
    /// watcher polls from then on and sees the file come back.
    @Test func removedFolderFallsBackToPolling() async throws {
        try self.write("a\n")
        let changes = try await self.withRealWatcher(interval: .milliseconds(20)) { watcher, recorder in
            #expect(try await self.mode(of: watcher) == .inotify)
            try FileManager.default.removeItem(at: self.directory)
            try await self.waitFor(1, in: recorder)
            #expect(try await self.mode(of: watcher) == .polling)
            try FileManager.default.createDirectory(at: self.directory, withIntermediateDirectories: false)
            try self.write("b\n")
            try await self.waitFor(2, in: recorder)
        }
        #expect(changes == [.removed, Self.modified("b\n")])
    }
}
