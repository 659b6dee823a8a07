#if canImport(Glibc)
@testable import ChatServer
import Glibc
import NIOCore
import Testing

/// Reading inotify records and what they mean for the watched name, without a kernel.
@Suite("inotify records")
struct InotifyTests {
    /// One record as the kernel lays it out: wd, mask, cookie, name length, then the name
    /// padded with NULs.
    private static func record(_ mask: Int32, _ name: String?, padding: Int = 4) -> [UInt8] {
        let nameBytes: [UInt8] = name.map { Array($0.utf8) + [UInt8](repeating: 0, count: padding) } ?? []
        var buffer = ByteBuffer()
        buffer.writeInteger(Int32(1), endianness: .host)
        buffer.writeInteger(UInt32(bitPattern: mask), endianness: .host)
        buffer.writeInteger(UInt32(0), endianness: .host)
        buffer.writeInteger(UInt32(nameBytes.count), endianness: .host)
        buffer.writeBytes(nameBytes)
        return Array(buffer.readableBytesView)
    }

    private static func events(_ records: [UInt8]...) -> [Inotify.Event] {
        var buffer = ByteBuffer(bytes: records.flatMap { $0 })
        return Inotify.parse(&buffer)
    }

    @Test func recordsAreParsedWithTheirNamesUpToTheFirstNUL() {
        let events = Self.events(Self.record(IN_MODIFY, "allow.txt", padding: 7), Self.record(IN_IGNORED, nil))
        #expect(events == [
            Inotify.Event(mask: UInt32(IN_MODIFY), name: "allow.txt"),
            Inotify.Event(mask: UInt32(IN_IGNORED), name: nil),
        ])
    }

    @Test func truncatedRecordEndsTheParse() {
        var buffer = ByteBuffer(bytes: Self.record(IN_CLOSE_WRITE, "allow.txt") + Self.record(IN_DELETE, "allow.txt").dropLast(3))
        #expect(Inotify.parse(&buffer) == [Inotify.Event(mask: UInt32(IN_CLOSE_WRITE), name: "allow.txt")])
    }

    @Test(arguments: [
        (IN_CLOSE_WRITE, "allow.txt", Inotify.Signal.changed),
        (IN_MOVED_TO, "allow.txt", .changed),
        (IN_MOVED_FROM, "allow.txt", .changed),
        (IN_DELETE, "allow.txt", .changed),
        (IN_ATTRIB, "allow.txt", .changed),
        (IN_MODIFY, "allow.txt", .writing),
        (IN_CREATE, "allow.txt", .writing),
        (IN_CLOSE_WRITE, "allow.txt.swp", nil),
        (IN_MOVED_TO, "other.txt", nil),
        (IN_Q_OVERFLOW, nil, .changed),
        (IN_IGNORED, nil, .lost),
        (IN_DELETE_SELF, nil, .lost),
        (IN_MOVE_SELF, nil, .lost),
    ] as [(Int32, String?, Inotify.Signal?)])
    func eventMeansForTheWatchedName(mask: Int32, name: String?, signal: Inotify.Signal?) {
        #expect(Inotify.signal(for: Self.events(Self.record(mask, name)), name: "allow.txt") == signal)
    }

    @Test func aBatchMeansItsStrongestEvent() {
        let truncateThenClose = Self.events(Self.record(IN_MODIFY, "allow.txt"), Self.record(IN_CLOSE_WRITE, "allow.txt"))
        #expect(Inotify.signal(for: truncateThenClose, name: "allow.txt") == .changed)
        let closeThenTruncate = Self.events(Self.record(IN_CLOSE_WRITE, "allow.txt"), Self.record(IN_MODIFY, "allow.txt"))
        #expect(Inotify.signal(for: closeThenTruncate, name: "allow.txt") == .changed)
        let writeThenGone = Self.events(Self.record(IN_CLOSE_WRITE, "allow.txt"), Self.record(IN_IGNORED, nil))
        #expect(Inotify.signal(for: writeThenGone, name: "allow.txt") == .lost)
    }

    @Test(arguments: [
        ("/etc/securechat/allow.txt", "/etc/securechat", "allow.txt"),
        ("allow.txt", ".", "allow.txt"),
        ("/allow.txt", "/", "allow.txt"),
        ("../allow.txt", "..", "allow.txt"),
    ])
    func pathIsSplitIntoFolderAndName(path: String, folder: String, name: String) throws {
        let split = try #require(Inotify.split(path))
        #expect(split.folder == folder)
        #expect(split.name == name)
    }

    @Test func folderPathIsNotWatched() {
        #expect(Inotify.split("/etc/securechat/") == nil)
    }
}
#endif
