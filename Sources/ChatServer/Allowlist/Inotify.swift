#if canImport(Glibc)
import Glibc
import NIOCore

/// inotify on the folder that holds a watched file, read as a NIO pipe channel.
///
/// The folder is watched rather than the file so that a file replaced by rename (`mv`, an
/// editor's temporary file) is seen: a watch on the file's inode would stay on the old
/// one. Events are filtered by the file's name and summed up as a ``Signal``.
enum Inotify {
    /// What a batch of events means for the watched file.
    enum Signal: Hashable, Sendable {
        /// A write ended, or the file was replaced, removed or given new attributes.
        case changed
        /// The file is being written, truncated or created; `changed` will follow.
        case writing
        /// The folder's watch has ended (folder deleted, moved, unmounted) or the
        /// descriptor failed: no further events will come.
        case lost
    }

    /// Events that end a write or replace the file.
    static let changeMask = UInt32(IN_CLOSE_WRITE | IN_MOVED_TO | IN_MOVED_FROM | IN_DELETE | IN_ATTRIB)
    /// Events of a write under way.
    static let writingMask = UInt32(IN_MODIFY | IN_CREATE)
    /// Events that end the folder's watch.
    static let endMask = UInt32(IN_DELETE_SELF | IN_MOVE_SELF | IN_IGNORED | IN_UNMOUNT)
    /// The kernel dropped events: anything may have happened.
    static let overflowMask = UInt32(IN_Q_OVERFLOW)

    /// Room for many records: one is at most 16 bytes plus a name of 256, and a read into
    /// less than one record fails with EINVAL.
    static let readSize = 4096

    /// A nonblocking inotify descriptor that watches the folder of `path`, or nil when
    /// inotify is missing (`inotify_init1` fails), the folder cannot be watched, or `path`
    /// is a symbolic link (writes through it land under another name or in another folder,
    /// which a watch on this folder does not see). The caller owns the descriptor.
    static func watchFolder(of path: String) -> CInt? {
        guard let (folder, name) = self.split(path), !name.isEmpty, !FileSnapshot.isSymbolicLink(path) else { return nil }
        let descriptor = inotify_init1(CInt(IN_NONBLOCK | IN_CLOEXEC))
        guard descriptor >= 0 else { return nil }
        let mask = self.changeMask | self.writingMask | UInt32(IN_ONLYDIR)
        guard inotify_add_watch(descriptor, folder, mask) >= 0 else {
            close(descriptor)
            return nil
        }
        return descriptor
    }

    /// The folder (`.` when none is named) and the last component of `path`; nil for a
    /// path ending in `/`.
    static func split(_ path: String) -> (folder: String, name: String)? {
        guard !path.hasSuffix("/") else { return nil }
        guard let slash = path.lastIndex(of: "/") else { return (".", path) }
        let folder = path[..<slash]
        return (folder.isEmpty ? "/" : String(folder), String(path[path.index(after: slash)...]))
    }

    /// One inotify record: what happened, to which name in the folder (nil for the folder
    /// itself and for a queue overflow).
    struct Event: Hashable, Sendable {
        let mask: UInt32
        let name: String?
    }

    /// The whole records at the start of `buffer` (the kernel returns whole records only),
    /// consumed; a truncated one ends the parse.
    static func parse(_ buffer: inout ByteBuffer) -> [Event] {
        var events: [Event] = []
        while buffer.readableBytes >= 16 {
            let start = buffer.readerIndex
            guard let mask = buffer.getInteger(at: start + 4, endianness: .host, as: UInt32.self),
                let length = buffer.getInteger(at: start + 12, endianness: .host, as: UInt32.self),
                let nameBytes = buffer.getBytes(at: start + 16, length: Int(length))
            else { break }
            let name = nameBytes.prefix { $0 != 0 }
            events.append(Event(mask: mask, name: name.isEmpty ? nil : String(decoding: name, as: UTF8.self)))
            buffer.moveReaderIndex(forwardBy: 16 + Int(length))
        }
        return events
    }

    /// What `events` mean for the file called `name`: the strongest of lost, changed and
    /// writing, or nil when none concerns it.
    static func signal(for events: [Event], name: String) -> Signal? {
        var signal: Signal?
        for event in events {
            if event.name == nil, event.mask & self.endMask != 0 { return .lost }
            if event.mask & self.overflowMask != 0 || (event.name == name && event.mask & self.changeMask != 0) {
                signal = .changed
            } else if event.name == name, event.mask & self.writingMask != 0, signal == nil {
                signal = .writing
            }
        }
        return signal
    }

    /// Turns the records read from the descriptor into signals for `onSignal`, on the
    /// channel's loop; `lost` is the last one.
    final class Handler: ChannelInboundHandler {
        typealias InboundIn = ByteBuffer

        private let name: String
        private let onSignal: (Signal) -> Void
        private var ended = false

        init(name: String, onSignal: @escaping (Signal) -> Void) {
            self.name = name
            self.onSignal = onSignal
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            var buffer = Self.unwrapInboundIn(data)
            if let signal = Inotify.signal(for: Inotify.parse(&buffer), name: self.name) {
                self.report(signal)
            }
        }

        func errorCaught(context: ChannelHandlerContext, error: any Error) {
            self.report(.lost)
            context.close(promise: nil)
        }

        func channelInactive(context: ChannelHandlerContext) {
            self.report(.lost)
        }

        private func report(_ signal: Signal) {
            guard !self.ended else { return }
            self.ended = signal == .lost
            self.onSignal(signal)
        }
    }
}
#endif
